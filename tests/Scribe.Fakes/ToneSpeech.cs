using System.Buffers.Binary;

namespace Scribe.Fakes;

/// <summary>
/// A test "language" a fake speech model can recognise exactly: a word is a pure tone (one of eight letters)
/// with a duration in 10 ms units, written <c>c12</c>. Words are separated by short gaps, sentences by long
/// silence. Lost, duplicated or reordered audio changes the decoded words.
/// </summary>
public static class ToneSpeech
{
    public const string Letters = "abcdefgh";
    private static readonly double[] Frequencies = [400, 700, 1000, 1400, 1900, 2500, 3200, 4000];
    private const double Amplitude = 0.3 * short.MaxValue;
    public const int WordGapMs = 80;
    public const int SentenceGapMs = 1_200;

    public static double FrequencyOf(char letter) => Frequencies[Letters.IndexOf(letter, StringComparison.Ordinal)];

    /// <summary>Seeded random sentences of 3–7 words of 100–300 ms.</summary>
    public static IReadOnlyList<string> RandomSentences(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(3, 8))
            .Select(_ => $"{Letters[random.Next(Letters.Length)]}{random.Next(10, 31)}")))];
    }

    /// <summary>Mono samples at <paramref name="rate"/> for sentences with leading and trailing silence.</summary>
    public static short[] Synthesize(IReadOnlyList<string> sentences, int rate, int leadingSilenceMs = 500, int wordGapMs = WordGapMs)
    {
        var samples = new List<short>();
        void Silence(int ms) => samples.AddRange(new short[ms * rate / 1000]);
        Silence(leadingSilenceMs);
        foreach (var sentence in sentences)
        {
            var words = sentence.Split(' ');
            for (var w = 0; w < words.Length; w++)
            {
                var frequency = FrequencyOf(words[w][0]);
                var length = int.Parse(words[w][1..], System.Globalization.CultureInfo.InvariantCulture) * 10 * rate / 1000;
                for (var i = 0; i < length; i++)
                {
                    samples.Add((short)Math.Round(Amplitude * Math.Sin(2 * Math.PI * frequency * i / rate)));
                }

                if (w < words.Length - 1)
                {
                    Silence(wordGapMs);
                }
            }

            Silence(SentenceGapMs);
        }

        return [.. samples];
    }

    /// <summary>The sentences in LiveKit's egress format: 48 kHz, two equal channels, s16le.</summary>
    public static byte[] SynthesizeEgress(IReadOnlyList<string> sentences, int leadingSilenceMs = 500, int wordGapMs = WordGapMs)
    {
        var mono = Synthesize(sentences, 48_000, leadingSilenceMs, wordGapMs);
        var pcm = new byte[mono.Length * 4];
        for (var i = 0; i < mono.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 4), mono[i]);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 4 + 2), mono[i]);
        }

        return pcm;
    }

    /// <summary>Decodes 16 kHz mono audio into words; a run whose tone changes inside decodes as a garbled word.</summary>
    public static IReadOnlyList<string> Decode(ReadOnlySpan<short> pcm, bool includeUnfinished = true)
    {
        const int rate = 16_000;
        const int threshold = (int)(0.05 * short.MaxValue);
        const int gapSamples = 30 * rate / 1000;
        var words = new List<string>();
        var i = 0;
        while (i < pcm.Length)
        {
            while (i < pcm.Length && Math.Abs((int)pcm[i]) < threshold)
            {
                i++;
            }

            if (i >= pcm.Length)
            {
                break;
            }

            var start = i;
            var last = i;
            var quiet = 0;
            while (i < pcm.Length && quiet < gapSamples)
            {
                if (Math.Abs((int)pcm[i]) >= threshold) { last = i; quiet = 0; }
                else
                {
                    quiet++;
                }

                i++;
            }

            if (quiet < gapSamples && !includeUnfinished)
            {
                break; // the word may still be going on
            }

            words.Add(Word(pcm.Slice(start, last - start + 1), rate));
        }

        return words;
    }

    private static string Word(ReadOnlySpan<short> run, int rate)
    {
        const int block = 160; // 10 ms
        var letters = new List<char>();
        for (var offset = 0; offset + block / 2 <= run.Length; offset += block)
        {
            var length = Math.Min(block, run.Length - offset);
            letters.Add(Dominant(run.Slice(offset, length), rate));
        }

        var duration = (int)Math.Round(run.Length * 100.0 / rate);
        var distinct = letters.Distinct().ToList();
        return distinct.Count == 1 ? $"{distinct[0]}{duration}" : $"?{new string([.. letters])}";
    }

    private static char Dominant(ReadOnlySpan<short> block, int rate)
    {
        var best = 0;
        var bestPower = double.MinValue;
        for (var f = 0; f < Frequencies.Length; f++)
        {
            var coefficient = 2 * Math.Cos(2 * Math.PI * Frequencies[f] / rate);
            double s1 = 0, s2 = 0;
            foreach (var sample in block)
            {
                var s = sample + coefficient * s1 - s2;
                s2 = s1;
                s1 = s;
            }

            var power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
            if (power > bestPower) { bestPower = power; best = f; }
        }

        return Letters[best];
    }
}
