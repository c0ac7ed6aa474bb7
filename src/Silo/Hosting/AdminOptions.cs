using System.ComponentModel.DataAnnotations;

namespace Scribe.Silo.Hosting;

/// <summary>Access to the admin API and dashboard (configuration section <c>Admin</c>).</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>Bearer key for <c>/api/*</c> and the dashboard.</summary>
    [Required(ErrorMessage = "Admin:ApiKey is required: the admin API is never open.")]
    [MinLength(12, ErrorMessage = "Admin:ApiKey must be at least 12 characters.")]
    public string ApiKey { get; set; } = "";
}
