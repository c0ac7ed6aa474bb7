namespace Scribe.Audio;

/// <summary>Designs linear-phase FIR low-pass filters (windowed sinc, Blackman window) with unity DC gain.</summary>
public static class LowPassFilter
{
    public static float[] Design(int tapCount, double cutoffHz, double sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tapCount, 3);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(cutoffHz, sampleRate / 2);

        var taps = new double[tapCount];
        var fc = cutoffHz / sampleRate;
        var middle = (tapCount - 1) / 2.0;
        for (var i = 0; i < tapCount; i++)
        {
            var x = i - middle;
            var sinc = x == 0 ? 2 * fc : Math.Sin(2 * Math.PI * fc * x) / (Math.PI * x);
            var window = 0.42 - 0.5 * Math.Cos(2 * Math.PI * i / (tapCount - 1)) + 0.08 * Math.Cos(4 * Math.PI * i / (tapCount - 1));
            taps[i] = sinc * window;
        }

        var gain = taps.Sum();
        return [.. taps.Select(t => (float)(t / gain))];
    }
}
