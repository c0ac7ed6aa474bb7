using System.Diagnostics;
using Scribe.Fakes.Speech;
using Scribe.LocalSpeech;

namespace Scribe.Tests.Speech;

public sealed class SphinxDecoderTests(ITestOutputHelper output)
{
    /// <summary>What direct decoding of the flite corpus must beat; measured around 10 % on Debian's model.</summary>
    private const double MaxCorpusWordErrorRate = 0.35;

    [Fact]
    public async Task Direct_decoding_of_the_flite_corpus_has_a_low_word_error_rate()
    {
        var corpus = await FliteCorpus.LoadAsync();
        using var decoder = SphinxDecoder.Create(SphinxModel.Default);
        var pairs = new List<(string Reference, string? Hypothesis)>();
        var decoding = Stopwatch.StartNew();
        foreach (var sentence in corpus)
        {
            var hypothesis = Decode(decoder, sentence.Pcm16kMono);
            pairs.Add((sentence.Text, hypothesis));
            output.WriteLine($"{WordErrorRate.Compute(sentence.Text, hypothesis),4:P0}  [{sentence.Voice}] {sentence.Text}  →  {hypothesis}");
        }

        decoding.Stop();
        var audioSeconds = corpus.Sum(sentence => sentence.Duration.TotalSeconds);
        var rate = WordErrorRate.Corpus(pairs);
        output.WriteLine(
            $"Direct PocketSphinx WER over {corpus.Count} sentences ({audioSeconds:F1} s of speech): {rate:P1}; real-time factor {decoding.Elapsed.TotalSeconds / audioSeconds:F2}");
        Assert.True(rate < MaxCorpusWordErrorRate, $"corpus WER {rate:P1} is not below {MaxCorpusWordErrorRate:P0}");
    }

    [Fact]
    public async Task One_decoder_serves_utterance_after_utterance()
    {
        var corpus = await FliteCorpus.LoadAsync();
        using var decoder = SphinxDecoder.Create(SphinxModel.Default);
        // Not word for word alike: live cepstral mean normalisation carries over and adapts to the voice.
        foreach (var sentence in new[] { corpus[0], corpus[0], corpus[1] })
        {
            var hypothesis = Decode(decoder, sentence.Pcm16kMono);
            output.WriteLine($"{sentence.Text} → {hypothesis}");
            Assert.True(WordErrorRate.Compute(sentence.Text, hypothesis) < 0.35, hypothesis);
            Assert.Equal(sentence.Pcm16kMono.Length, decoder.UtteranceSamples);
        }
    }

    [Fact]
    public void Silence_gives_no_words()
    {
        using var decoder = SphinxDecoder.Create(SphinxModel.Default);
        Assert.True(string.IsNullOrWhiteSpace(Decode(decoder, new short[16_000])));
        Assert.True(string.IsNullOrWhiteSpace(Decode(decoder, [])));
    }

    [Fact]
    public void A_missing_model_names_the_package_to_install()
    {
        var error = Assert.Throws<SphinxUnavailableException>(() => SphinxDecoder.Create(SphinxModel.FromDirectory("/nonexistent/model")));
        Assert.Contains("pocketsphinx-en-us", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Feeding_outside_an_utterance_is_refused()
    {
        using var decoder = SphinxDecoder.Create(SphinxModel.Default);
        Assert.Throws<InvalidOperationException>(() => decoder.Process(new short[160]));
    }

    [Fact]
    public async Task The_corpus_holds_both_formats_of_the_same_speech()
    {
        var corpus = await FliteCorpus.LoadAsync();
        Assert.True(corpus.Count >= 12);
        Assert.Equal(["awb", "rms", "slt"], corpus.Select(sentence => sentence.Voice).Distinct().Order());
        foreach (var sentence in corpus)
        {
            // 48 kHz stereo s16le is 3 × 2 × 2 bytes per 16 kHz mono sample; resampling may round the ends.
            var expected = sentence.Pcm16kMono.Length * 12.0;
            Assert.InRange(sentence.Pcm48kStereo.Length, expected * 0.99, expected * 1.01);
            Assert.Equal(0, sentence.Pcm48kStereo.Length % 4);
            Assert.InRange(sentence.Duration.TotalSeconds, 1, 10);
        }
    }

    internal static string? Decode(SphinxDecoder decoder, short[] samples)
    {
        decoder.StartUtterance();
        for (var offset = 0; offset < samples.Length; offset += 1600)
        {
            decoder.Process(samples.AsSpan(offset, Math.Min(1600, samples.Length - offset)));
        }

        decoder.EndUtterance();
        return decoder.Hypothesis();
    }
}
