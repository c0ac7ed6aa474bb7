using Scribe.LocalSpeech;

namespace Scribe.Tests.Speech;

/// <summary>Deltas and done text of one generation: the joined deltas are the done text, whatever the hypotheses.</summary>
public sealed class AppendOnlyTranscriptTests
{
    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_final_words_after_those_sent_are_the_last_delta()
    {
        var transcript = new AppendOnlyTranscript(stabilitySamples: 0);
        Assert.Equal("did you", transcript.Observe(Words("did you hear"), 100));
        var (delta, text) = transcript.Finish(Words("did you hear the budget review"));
        Assert.Equal(" hear the budget review", delta);
        Assert.Equal("did you hear the budget review", text);
    }

    [Fact]
    public void A_word_sent_early_and_heard_otherwise_at_the_end_stays_and_is_not_repeated()
    {
        var transcript = new AppendOnlyTranscript(stabilitySamples: 0);
        Assert.Equal("the you knew", transcript.Observe(Words("the you knew the"), 100));
        // The final hypothesis hears "did you hear": the sent words align with it, the rest follows them.
        var (delta, text) = transcript.Finish(Words("did you hear the budget review"));
        Assert.Equal(" the budget review", delta);
        Assert.Equal("the you knew the budget review", text);
    }

    [Fact]
    public void Nothing_sent_makes_the_final_hypothesis_the_whole_text()
    {
        var transcript = new AppendOnlyTranscript(stabilitySamples: 10_000);
        Assert.Null(transcript.Observe(Words("a b c"), 100));
        Assert.Equal(((string?)"a b c", "a b c"), transcript.Finish(Words("a b c")));
        Assert.Equal(((string?)null, string.Empty), new AppendOnlyTranscript(0).Finish([]));
    }

    [Fact]
    public void A_final_hypothesis_shorter_than_what_was_sent_adds_nothing()
    {
        var transcript = new AppendOnlyTranscript(stabilitySamples: 0);
        transcript.Observe(Words("a b c d"), 100);
        Assert.Equal(((string?)null, "a b c"), transcript.Finish(Words("a b")));
    }

    [Theory]
    [InlineData("", "a b", 0)]
    [InlineData("a b", "a b c", 2)]
    [InlineData("a x", "a b c d", 2)] // x stands for b: replaced, not repeated
    [InlineData("a b", "a c b d", 3)] // c was missed early: dropped rather than b repeated
    [InlineData("a b c", "a b", 2)]
    [InlineData("x y", "a b", 2)]
    public void Sent_words_align_with_the_closest_prefix_of_the_final_words(string sent, string final, int end) =>
        Assert.Equal(end, AppendOnlyTranscript.AlignedEnd(Words(sent), Words(final)));

    /// <summary>Random hypothesis sequences over a small vocabulary, so words recur, vanish and change places.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Joined_deltas_always_equal_the_done_text_and_deltas_are_well_formed(int seed)
    {
        var random = new Random(seed);
        string[] vocabulary = ["the", "a", "budget", "review", "there", "is", "you", "hear", "did", "knew"];
        string[] RandomWords(int max) => Enumerable.Range(0, random.Next(max + 1)).Select(_ => vocabulary[random.Next(vocabulary.Length)]).ToArray();

        for (var run = 0; run < 2_000; run++)
        {
            var transcript = new AppendOnlyTranscript(stabilitySamples: random.Next(0, 5) * 1_600);
            var deltas = new List<string>();
            var hypothesis = RandomWords(4).ToList();
            long position = 0;
            for (var step = random.Next(0, 30); step > 0; step--)
            {
                // A partial grows, or has its tail rewritten, as PocketSphinx's do.
                if (random.Next(3) == 0 && hypothesis.Count > 0)
                {
                    hypothesis.RemoveRange(random.Next(hypothesis.Count), 1);
                }

                hypothesis.AddRange(RandomWords(2));
                position += 1_600;
                if (transcript.Observe(hypothesis, position) is { } delta)
                {
                    deltas.Add(delta);
                }
            }

            var final = random.Next(4) == 0 ? RandomWords(8) : hypothesis.ToArray();
            var (last, text) = transcript.Finish(final);
            if (last is not null)
            {
                deltas.Add(last);
            }

            Assert.Equal(text, string.Concat(deltas));
            Assert.Equal(string.Join(' ', transcript.Sent.Concat(final.Skip(AppendOnlyTranscript.AlignedEnd(transcript.Sent, final)))), text);
            for (var i = 0; i < deltas.Count; i++)
            {
                Assert.False(string.IsNullOrWhiteSpace(deltas[i]));
                Assert.Equal(i > 0, deltas[i].StartsWith(' '));
                Assert.DoesNotContain("  ", deltas[i], StringComparison.Ordinal);
                Assert.False(deltas[i].EndsWith(' '));
            }

            // Every final word is in the text unless sent words stand for it.
            Assert.True(Words(text).Length >= final.Length - transcript.Sent.Count, $"{text} lost words of {string.Join(' ', final)}");
        }
    }
}
