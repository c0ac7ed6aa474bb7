namespace Scribe.Audio;

/// <summary>
/// The fallback when the Silero model is not installed: a frame is speech when its RMS level reaches a
/// threshold. It cannot tell a voice from a fan or a keyboard, so noisy microphones keep their generations open.
/// </summary>
public sealed class EnergyVoiceActivityDetector(double thresholdDbfs) : IVoiceActivityDetector
{
    public const string Name = "energy";

    public string Kind => Name;

    public double ThresholdDbfs { get; } = thresholdDbfs;

    public float SpeechProbability(ReadOnlySpan<short> frame) => AudioLevel.Dbfs(frame) >= ThresholdDbfs ? 1f : 0f;

    public void Reset()
    {
    }

    public void Dispose()
    {
    }
}
