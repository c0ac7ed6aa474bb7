using System.ComponentModel.DataAnnotations;

namespace Scribe.Notifications;

/// <summary>Where the cluster posts events for the meeting backend, and how they are signed (configuration section <c>Notifications</c>).</summary>
public sealed class NotificationOptions : IValidatableObject
{
    public const string Section = "Notifications";
    public const int MinimumSecretLength = 32;

    /// <summary>The backend's http(s) URL that receives every event as a JSON POST. Unset: no events are kept or sent.</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 key of the <c>Scribe-Signature</c> header; the backend holds it too.</summary>
    public string? Secret { get; set; }

    /// <summary>Delay before the first retry of a failed delivery; each later retry waits twice as long as the one before.</summary>
    [Range(0.1, 3600, ErrorMessage = "Notifications:FirstRetrySeconds must be 0.1 to 3600 seconds.")]
    public double FirstRetrySeconds { get; set; } = 5;

    /// <summary>An event still undelivered this long after it was made is dropped (and logged).</summary>
    [Range(0.01, 24 * 30, ErrorMessage = "Notifications:GiveUpAfterHours must be 0.01 to 720 hours.")]
    public double GiveUpAfterHours { get; set; } = 24;

    /// <summary>How long the backend has to answer one POST.</summary>
    [Range(1, 300, ErrorMessage = "Notifications:TimeoutSeconds must be 1 to 300 seconds.")]
    public double TimeoutSeconds { get; set; } = 10;

    public bool IsConfigured => !string.IsNullOrEmpty(Url);

    public RetrySchedule Retries => new(TimeSpan.FromSeconds(FirstRetrySeconds), TimeSpan.FromHours(GiveUpAfterHours));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(Url) != string.IsNullOrEmpty(Secret))
        {
            yield return new ValidationResult("Notifications:Url and Notifications:Secret go together: set both or neither.");
        }
        else if (IsConfigured)
        {
            if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult("Notifications:Url must be an absolute http(s) URL.");
            }

            if (Secret!.Length < MinimumSecretLength)
            {
                yield return new ValidationResult($"Notifications:Secret must be at least {MinimumSecretLength} characters.");
            }
        }
    }
}
