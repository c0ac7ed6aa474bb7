using Scribe.Audio;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// The ingest side of a transcriber: cuts 16 kHz samples into ~100 ms chunks in pooled buffers, classifies each as
/// speech or not, and keeps the stream's audio clock, which runs on through mute gaps. Used by the one ingest
/// writer only; <see cref="ClockSamples"/> may be read from anywhere.
/// </summary>
internal sealed class AudioChunker(ChunkSpeechClassifier classifier, ChunkBufferPool buffers, SpeakerUsageMeter usage, ScribeMetrics metrics, TimeProvider time) : IDisposable
{
    private readonly AudioClockPace _pace = new(time.TimestampFrequency);
    private short[]? _filling;
    private int _filled;
    private long _clock;
    private long? _mutedAt;

    /// <summary>Samples received so far on the stream's 16 kHz clock (mute gaps included).</summary>
    public long ClockSamples => Volatile.Read(ref _clock);

    public string DetectorKind => classifier.Detector.Kind;

    /// <summary>Takes samples until a chunk is full (returned) or <paramref name="samples"/> is used up (null).</summary>
    public AudioChunk? Fill(ref ReadOnlyMemory<short> samples)
    {
        while (!samples.IsEmpty)
        {
            _filling ??= buffers.Rent();
            var take = Math.Min(ChunkBufferPool.ChunkSamples - _filled, samples.Length);
            samples.Span[..take].CopyTo(_filling.AsSpan(_filled));
            _filled += take;
            samples = samples[take..];
            if (_filled == ChunkBufferPool.ChunkSamples)
            {
                return Flush();
            }
        }

        return null;
    }

    /// <summary>The chunk filled so far, however short; null when nothing is waiting.</summary>
    public AudioChunk? Flush()
    {
        if (_filled == 0)
        {
            return null;
        }

        // A rented buffer may be longer than a chunk: the chunk is its first _filled samples.
        var samples = _filling!.AsMemory(0, _filled);
        var now = time.GetTimestamp();
        var chunk = new AudioChunk(_clock, samples, classifier.Classify(samples.Span), now, _pace.DueAt(now, _clock + samples.Length));
        Volatile.Write(ref _clock, _clock + samples.Length);
        if (chunk.IsSpeech)
        {
            usage.Speech(samples.Length);
        }

        _filling = null;
        _filled = 0;
        metrics.AudioSeconds.Add(samples.Length / (double)SpeechAudio.SampleRate);
        return chunk;
    }

    /// <summary>The mute clock: the time a track spent muted still passes on the audio clock.</summary>
    public void SetMuted(bool muted)
    {
        var now = time.GetTimestamp();
        if (muted && _mutedAt is null)
        {
            _mutedAt = now;
        }
        else if (!muted && _mutedAt is { } since)
        {
            Volatile.Write(ref _clock, _clock + (long)(time.GetElapsedTime(since, now).TotalMilliseconds * SpeechAudio.SamplesPerMs));
            _mutedAt = null;
        }
    }

    public void Dispose() => classifier.Dispose();
}
