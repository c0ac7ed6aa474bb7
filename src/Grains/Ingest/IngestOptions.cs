using System.ComponentModel.DataAnnotations;

namespace Scribe.Ingest;

/// <summary>How LiveKit egress reaches this silo (configuration section <c>Ingest</c>).</summary>
public sealed class IngestOptions : IValidatableObject
{
    public const string Section = "Ingest";

    /// <summary>
    /// Base URL egress dials back to reach this silo, e.g. <c>ws://silo-1:8080</c>; each silo has its own.
    /// Empty: the silo's own listening address (fine on one machine).
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>Secret that signs ingest tokens; the same on every silo. Defaults to the LiveKit API secret.</summary>
    public string? TokenSecret { get; set; }

    /// <summary>How long an ingest URL stays valid for its first connection.</summary>
    [Range(10, 3_600)] public int TokenTtlSeconds { get; set; } = 300;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicUrl.Length > 0 && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss" or "http" or "https")))
        {
            yield return new ValidationResult($"{Section}:PublicUrl must be an absolute ws(s):// or http(s):// URL, got '{PublicUrl}'.", [nameof(PublicUrl)]);
        }
    }
}
