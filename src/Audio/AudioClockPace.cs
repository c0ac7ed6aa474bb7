namespace Scribe.Audio;

/// <summary>
/// When a stream's audio was due, by the stream's own clock: egress sends in real time, so audio that ends at
/// sample n was due n / 16 kHz after the stream's start. The start is taken from the most punctual chunk seen so
/// far (the one that arrived earliest against its audio), so a late first chunk or a slow connection set-up does
/// not hide later delays. The time from "due" to "handled" is then everything the audio waited on the way: the
/// sender's jitter, the network, and the silo's own queues. One per stream; not thread-safe.
/// </summary>
public sealed class AudioClockPace(long timestampFrequency)
{
    private long? _origin;

    /// <summary>The timestamp at which audio ending at <paramref name="endSample"/> was due.</summary>
    /// <param name="now">When that audio was handled (same clock as the result).</param>
    public long DueAt(long now, long endSample)
    {
        // Exact integer time (128-bit: a nanosecond clock times a long stream's samples outgrows 64 bits).
        var audio = (long)((Int128)endSample * timestampFrequency / SpeechAudio.SampleRate);
        var origin = now - audio;
        _origin = _origin is { } earliest ? Math.Min(earliest, origin) : origin;
        return _origin.Value + audio;
    }
}
