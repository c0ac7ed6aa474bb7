using System.ComponentModel.DataAnnotations;

namespace Scribe.LiveKit;

/// <summary>Where the LiveKit server is and the API key pair that signs our tokens and its webhooks.</summary>
public sealed class LiveKitOptions
{
    public const string Section = "LiveKit";

    /// <summary>Base URL of the LiveKit server: http(s), or ws(s) as LiveKit URLs are often written.</summary>
    [Required]
    [RegularExpression("^(?i)(https?|wss?)://.+", ErrorMessage = "LiveKit:Url must be an http(s) or ws(s) URL.")]
    public string Url { get; set; } = "";

    [Required]
    [MinLength(1)]
    public string ApiKey { get; set; } = "";

    [Required]
    [MinLength(1)]
    public string ApiSecret { get; set; } = "";
}
