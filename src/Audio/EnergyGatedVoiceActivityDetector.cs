namespace Scribe.Audio;

/// <summary>
/// Runs an expensive detector (Silero: about 0.1 ms a frame) only on frames loud enough to be speech. A frame whose
/// level is below <see cref="GateDbfs"/>, far under any voice, scores 0 without the inner detector; in a meeting,
/// where most microphones carry only a quiet room most of the time, that is most frames.
/// <para>The inner detector is recurrent. A short quiet stretch is simply not shown to it, as if that bit of near
/// silence had been cut out; after <see cref="ResetAfterFrames"/> quiet frames in a row it is reset, so the next
/// sound is judged as at the start of a stream rather than against a past that is long gone.</para>
/// </summary>
public sealed class EnergyGatedVoiceActivityDetector : IVoiceActivityDetector
{
    /// <summary>About half a second at 32 ms a frame.</summary>
    public const int DefaultResetAfterFrames = 16;

    private readonly IVoiceActivityDetector _inner;
    private readonly long _gateEnergy;
    private int _quietRun;

    /// <param name="inner">The detector to spare; owned and disposed here.</param>
    /// <param name="gateDbfs">Frames with an RMS level below this (dB full scale) skip the inner detector.</param>
    public EnergyGatedVoiceActivityDetector(IVoiceActivityDetector inner, double gateDbfs, int resetAfterFrames = DefaultResetAfterFrames)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(resetAfterFrames, 1);
        _inner = inner;
        GateDbfs = gateDbfs;
        ResetAfterFrames = resetAfterFrames;
        // Compared as a sum of squares over a frame: no square root or logarithm per frame.
        var rms = Math.Pow(10, gateDbfs / 20) * short.MaxValue;
        _gateEnergy = (long)Math.Ceiling(rms * rms * IVoiceActivityDetector.FrameSamples);
    }

    public double GateDbfs { get; }

    public int ResetAfterFrames { get; }

    /// <summary>The inner detector's kind: the gate only decides when it runs.</summary>
    public string Kind => _inner.Kind;

    /// <summary>Frames the inner detector did not see.</summary>
    public long SkippedFrames { get; private set; }

    /// <summary>Frames the inner detector scored.</summary>
    public long ScoredFrames { get; private set; }

    public float SpeechProbability(ReadOnlySpan<short> frame)
    {
        if (IsQuiet(frame))
        {
            SkippedFrames++;
            if (++_quietRun == ResetAfterFrames)
            {
                _inner.Reset();
            }

            return 0f;
        }

        _quietRun = 0;
        ScoredFrames++;
        return _inner.SpeechProbability(frame);
    }

    /// <summary>Whether <paramref name="frame"/> is below the gate.</summary>
    public bool IsQuiet(ReadOnlySpan<short> frame)
    {
        if (frame.Length != IVoiceActivityDetector.FrameSamples)
        {
            throw new ArgumentException($"a frame is {IVoiceActivityDetector.FrameSamples} samples, not {frame.Length}", nameof(frame));
        }

        long energy = 0;
        foreach (var sample in frame)
        {
            energy += sample * sample;
        }

        return energy < _gateEnergy;
    }

    public void Reset()
    {
        _quietRun = 0;
        _inner.Reset();
    }

    public void Dispose() => _inner.Dispose();
}
