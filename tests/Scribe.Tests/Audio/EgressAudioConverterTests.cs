using System.Buffers.Binary;

namespace Scribe.Tests.Audio;

public sealed class EgressAudioConverterTests
{
    private static byte[] Stereo(Func<int, (double Left, double Right)> sample, int frames)
    {
        var pcm = new byte[frames * 4];
        for (var i = 0; i < frames; i++)
        {
            var (left, right) = sample(i);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 4), (short)Math.Round(left));
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 4 + 2), (short)Math.Round(right));
        }

        return pcm;
    }

    private static short[] ConvertAll(byte[] pcm, IEnumerable<int> frameSizes)
    {
        var converter = new EgressAudioConverter();
        var output = new List<short>();
        var offset = 0;
        foreach (var size in frameSizes)
        {
            if (offset >= pcm.Length)
            {
                break;
            }

            var frame = pcm.AsSpan(offset, Math.Min(size, pcm.Length - offset));
            var buffer = new short[EgressAudioConverter.MaxOutputSamples(frame.Length)];
            output.AddRange(buffer.AsSpan(0, converter.Convert(frame, buffer)).ToArray());
            offset += frame.Length;
        }

        Assert.Equal(pcm.Length, offset);
        return [.. output];
    }

    private static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static IEnumerable<int> RandomSizes(int seed)
    {
        var random = new Random(seed);
        while (true)
        {
            yield return random.Next(1, 4000);
        }
    }

    [Fact]
    public void Frames_of_any_size_give_exactly_the_output_of_one_whole_buffer()
    {
        var pcm = Stereo(i => (8000 * Math.Sin(i * 0.01), -3000 * Math.Cos(i * 0.003)), 48_000);
        var whole = ConvertAll(pcm, [pcm.Length]);
        var torn = ConvertAll(pcm, RandomSizes(7));
        var bytewise = ConvertAll(pcm, Enumerable.Repeat(1, pcm.Length));

        Assert.Equal(16_000, whole.Length);
        Assert.Equal(whole, torn);
        Assert.Equal(whole, bytewise);
    }

    [Fact]
    public void Each_output_is_the_low_passed_downmix_at_every_third_input_frame()
    {
        // The definition, sample by sample in double precision: mono = (L + R) / 2, output k = the 48-tap filter over the
        // mono samples ending at input frame 3k (silence before the stream). The converter works on whole frames in
        // float; it may differ from this by rounding only.
        var pcm = Stereo(i => (9000 * Math.Sin(i * 0.021) + 700 * Math.Sin(i * 1.9), -4000 * Math.Cos(i * 0.0037)), 9_600);
        var taps = LowPassFilter.Design(tapCount: 48, cutoffHz: 7_200, sampleRate: 48_000);
        var frames = pcm.Length / 4;
        var mono = new double[frames];
        for (var i = 0; i < frames; i++)
        {
            mono[i] = (BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(i * 4)) + BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(i * 4 + 2))) / 2.0;
        }

        var expected = new List<double>();
        for (var end = 0; end < frames; end += 3)
        {
            var sum = 0.0;
            for (var j = 0; j < taps.Length; j++)
            {
                var at = end - (taps.Length - 1) + j;
                sum += at < 0 ? 0 : taps[j] * mono[at];
            }

            expected.Add(Math.Clamp(Math.Round(sum), short.MinValue, short.MaxValue));
        }

        var actual = ConvertAll(pcm, [3_840, 3_840, 1_000, 7, 9_000, pcm.Length]);

        Assert.Equal(expected.Count, actual.Length);
        Assert.All(expected.Zip(actual), pair => Assert.InRange(pair.Second - pair.First, -1, 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4801)]
    public void Every_third_input_frame_makes_one_output_sample(int frames)
    {
        var converter = new EgressAudioConverter();
        var pcm = Stereo(_ => (100, 100), frames);
        var output = new short[EgressAudioConverter.MaxOutputSamples(pcm.Length)];
        var written = converter.Convert(pcm, output);

        Assert.Equal((frames + 2) / 3, written);
        Assert.Equal(frames, converter.InputFrames);
    }

    [Fact]
    public void Speech_band_passes_and_what_would_alias_is_removed()
    {
        var speech = ConvertAll(Stereo(i => Both(10_000 * Math.Sin(2 * Math.PI * 1000 * i / 48_000)), 48_000), [192_000]);
        var alias = ConvertAll(Stereo(i => Both(10_000 * Math.Sin(2 * Math.PI * 11_000 * i / 48_000)), 48_000), [192_000]);

        var passGainDb = 20 * Math.Log10(Rms(speech.AsSpan(100)) / (10_000 / Math.Sqrt(2)));
        var stopGainDb = 20 * Math.Log10(Rms(alias.AsSpan(100)) / (10_000 / Math.Sqrt(2)));
        Assert.InRange(passGainDb, -0.5, 0.5);
        Assert.True(stopGainDb < -40, $"11 kHz came through at {stopGainDb:F1} dB");
    }

    [Fact]
    public void Channels_are_averaged()
    {
        var output = ConvertAll(Stereo(_ => (6000, 2000), 4800), [19_200]);
        Assert.All(output.Skip(50), s => Assert.InRange((int)s, 3990, 4010));
    }

    private static (double, double) Both(double value) => (value, value);
}
