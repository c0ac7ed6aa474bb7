using System.ComponentModel.DataAnnotations;

namespace Scribe.Rooms;

/// <summary>
/// The activation policy (configuration <c>Transcription:Activation</c>). Bound as text and checked here, so a
/// misspelt policy stops the silo with one line naming the setting rather than a binder exception.
/// </summary>
public sealed class TranscriptionActivationOptions : IValidatableObject
{
    public const string Section = "Transcription";

    /// <summary><c>AllRooms</c> (the default, also when empty) or <c>OnRequest</c>, in any case.</summary>
    public string? Activation { get; set; } = nameof(TranscriptionActivation.AllRooms);

    public TranscriptionActivation Policy => TryParse(Activation, out var policy) ? policy : TranscriptionActivation.AllRooms;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Activation) && !TryParse(Activation, out _))
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(Activation)} must be {nameof(TranscriptionActivation.AllRooms)}, {nameof(TranscriptionActivation.OnRequest)} or {nameof(TranscriptionActivation.Dispatch)}, not '{Activation}'",
                [nameof(Activation)]);
        }
    }

    private static bool TryParse(string? text, out TranscriptionActivation policy)
    {
        policy = default;
        // Enum.TryParse also takes numbers ("1"); only the names are settings.
        return text is { Length: > 0 } && char.IsLetter(text[0]) && Enum.TryParse(text, ignoreCase: true, out policy) && Enum.IsDefined(policy);
    }
}
