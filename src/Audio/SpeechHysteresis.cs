namespace Scribe.Audio;

/// <summary>
/// Turns per-frame speech probabilities into a speaking / silent state with two thresholds: speech starts at
/// <see cref="OnProbability"/> and only ends below the lower <see cref="OffProbability"/>, so a probability
/// that wavers around one value (a soft consonant, a breath) does not flip the state frame by frame.
/// </summary>
public sealed class SpeechHysteresis
{
    public SpeechHysteresis(float onProbability, float offProbability)
    {
        if (onProbability is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(onProbability), onProbability, "must be in (0, 1]");
        }

        if (offProbability < 0 || offProbability > onProbability)
        {
            throw new ArgumentOutOfRangeException(nameof(offProbability), offProbability, "must be in [0, onProbability]");
        }

        OnProbability = onProbability;
        OffProbability = offProbability;
    }

    public float OnProbability { get; }

    public float OffProbability { get; }

    public bool IsSpeech { get; private set; }

    /// <summary>Takes the next frame's probability; returns whether the stream is now speaking.</summary>
    public bool Update(float probability)
    {
        IsSpeech = IsSpeech ? probability >= OffProbability : probability >= OnProbability;
        return IsSpeech;
    }

    public void Reset() => IsSpeech = false;
}
