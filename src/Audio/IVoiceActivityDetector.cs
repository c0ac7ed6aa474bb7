namespace Scribe.Audio;

/// <summary>
/// Scores one speaker's 16 kHz stream, frame by frame, for speech. A detector keeps state between frames
/// (the stream's recent past), so each stream has its own and feeds it in order; it is not thread-safe.
/// </summary>
public interface IVoiceActivityDetector : IDisposable
{
    /// <summary>Samples per frame: 512 at 16 kHz (32 ms), the window Silero VAD v5 takes at this rate.</summary>
    const int FrameSamples = 512;

    /// <summary>What decides (<c>silero</c>, <c>energy</c>), for logs and benchmarks.</summary>
    string Kind { get; }

    /// <summary>The probability (0–1) that the next <see cref="FrameSamples"/> samples of the stream are speech.</summary>
    float SpeechProbability(ReadOnlySpan<short> frame);

    /// <summary>Forgets the stream's past, as at the start of a new stream.</summary>
    void Reset();
}
