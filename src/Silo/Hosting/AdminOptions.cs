using System.ComponentModel.DataAnnotations;

namespace Scribe.Silo.Hosting;

/// <summary>Access to the admin API and dashboard (configuration section <c>Admin</c>).</summary>
public sealed class AdminOptions : IValidatableObject
{
    public const string Section = "Admin";

    /// <summary>Bearer key for <c>/api/*</c> and the dashboard; follows <see cref="ApiKeyRule"/> like every key.</summary>
    public string ApiKey { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(ApiKey))
        {
            yield return new ValidationResult($"{Section}:ApiKey is required: the admin API is never open.");
        }
        else if (!ApiKeyRule.IsAcceptable(ApiKey))
        {
            yield return new ValidationResult(ApiKeyRule.Requirement($"{Section}:ApiKey"));
        }
    }
}
