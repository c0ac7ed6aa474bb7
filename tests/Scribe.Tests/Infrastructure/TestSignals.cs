namespace Scribe.Tests.Infrastructure;

/// <summary>Synthetic 16 kHz signals for the detector tests: silence, seeded white noise, hum, pure tones.</summary>
internal static class TestSignals
{
    public const int Rate = 16_000;

    public static short[] Silence(int ms) => new short[ms * Rate / 1000];

    /// <summary>Gaussian-ish white noise (sum of uniforms) at an RMS level in dB full scale.</summary>
    public static short[] WhiteNoise(int ms, double levelDbfs, int seed)
    {
        var random = new Random(seed);
        var rms = Math.Pow(10, levelDbfs / 20) * short.MaxValue;
        var samples = new short[ms * Rate / 1000];
        for (var i = 0; i < samples.Length; i++)
        {
            // Twelve uniforms minus six: unit variance, close enough to Gaussian.
            double sum = 0;
            for (var k = 0; k < 12; k++)
            {
                sum += random.NextDouble();
            }

            samples[i] = (short)Math.Clamp(Math.Round((sum - 6) * rms), short.MinValue, short.MaxValue);
        }

        return samples;
    }

    public static short[] Tone(int ms, double frequency, double amplitude)
    {
        var samples = new short[ms * Rate / 1000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)Math.Round(amplitude * short.MaxValue * Math.Sin(2 * Math.PI * frequency * i / Rate));
        }

        return samples;
    }

    public static short[] Concat(params short[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>Runs a detector over whole frames of a signal and returns one probability per frame.</summary>
    public static float[] Probabilities(Scribe.Audio.IVoiceActivityDetector detector, short[] signal)
    {
        const int frame = Scribe.Audio.IVoiceActivityDetector.FrameSamples;
        var result = new float[signal.Length / frame];
        for (var f = 0; f < result.Length; f++)
        {
            result[f] = detector.SpeechProbability(signal.AsSpan(f * frame, frame));
        }

        return result;
    }
}
