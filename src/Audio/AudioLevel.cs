namespace Scribe.Audio;

/// <summary>The level of a run of 16-bit samples.</summary>
public static class AudioLevel
{
    /// <summary>RMS level in dB relative to full scale; negative infinity for silence or no samples.</summary>
    public static double Dbfs(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return double.NegativeInfinity;
        }

        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        var rms = Math.Sqrt(sum / samples.Length);
        return rms <= 0 ? double.NegativeInfinity : 20 * Math.Log10(rms / short.MaxValue);
    }
}
