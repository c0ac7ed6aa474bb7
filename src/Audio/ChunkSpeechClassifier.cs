namespace Scribe.Audio;

/// <summary>
/// Decides whether each ~100 ms chunk of a stream is speech. The detector works on 32 ms frames that do not line
/// up with chunks, so frames are cut from the stream as it comes and carried across chunk boundaries; a chunk is
/// speech when the stream was speaking at any frame that ended inside it. Not thread-safe: one per stream.
/// </summary>
public sealed class ChunkSpeechClassifier(IVoiceActivityDetector detector, SpeechHysteresis hysteresis) : IDisposable
{
    private readonly short[] _frame = new short[IVoiceActivityDetector.FrameSamples];
    private int _filled;
    private bool _disposed;

    public IVoiceActivityDetector Detector { get; } = detector;

    /// <summary>The last frame's speech probability.</summary>
    public float LastProbability { get; private set; }

    /// <summary>Classifies the next chunk of the stream (any length).</summary>
    public bool Classify(ReadOnlySpan<short> chunk)
    {
        // A detector's tensors live in native memory: never run one after it was released.
        ObjectDisposedException.ThrowIf(_disposed, this);
        var anyFrame = false;
        var speech = false;
        while (!chunk.IsEmpty)
        {
            var take = Math.Min(_frame.Length - _filled, chunk.Length);
            chunk[..take].CopyTo(_frame.AsSpan(_filled));
            _filled += take;
            chunk = chunk[take..];
            if (_filled < _frame.Length)
            {
                break;
            }

            _filled = 0;
            LastProbability = Detector.SpeechProbability(_frame);
            speech |= hysteresis.Update(LastProbability);
            anyFrame = true;
        }

        // A chunk shorter than what completes a frame (a flush at mute) keeps the state the stream is in.
        return anyFrame ? speech : hysteresis.IsSpeech;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Detector.Dispose();
        }
    }
}
