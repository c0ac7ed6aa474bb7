using Scribe.Fakes.Speech;

namespace Scribe.Tests.Speech;

public sealed class WordErrorRateTests
{
    [Fact]
    public void Normalizing_lowercases_and_strips_punctuation()
    {
        Assert.Equal(["hello", "world", "dont", "stop"], WordErrorRate.Normalize("Hello, World! Don't   stop."));
        Assert.Equal(["a", "follow", "up"], WordErrorRate.Normalize("A follow-up"));
        Assert.Empty(WordErrorRate.Normalize("  ?! "));
    }

    [Theory]
    // identical after normalising
    [InlineData("the cat sat", "The cat, sat.", 0, 0.0)]
    // one substitution in three words
    [InlineData("the cat sat", "the bat sat", 1, 1.0 / 3)]
    // one deletion in four words
    [InlineData("the cat sat down", "the cat down", 1, 1.0 / 4)]
    // two insertions in two words: WER may pass 100 %
    [InlineData("good morning", "a good morning to", 2, 1.0)]
    // substitution + deletion: "please bring the blue folder" → "please ring the folder"
    [InlineData("please bring the blue folder", "please ring the folder", 2, 2.0 / 5)]
    // everything missing
    [InlineData("one two three", "", 3, 1.0)]
    // swapped words cost two substitutions, not one
    [InlineData("red green", "green red", 2, 1.0)]
    public void Rate_is_word_edits_over_reference_words(string reference, string hypothesis, int edits, double rate)
    {
        Assert.Equal(edits, WordErrorRate.Distance(WordErrorRate.Normalize(reference), WordErrorRate.Normalize(hypothesis)));
        Assert.Equal(rate, WordErrorRate.Compute(reference, hypothesis), precision: 10);
    }

    [Fact]
    public void An_empty_reference_scores_zero_or_one()
    {
        Assert.Equal(0, WordErrorRate.Compute("", " "));
        Assert.Equal(1, WordErrorRate.Compute("", "noise"));
    }

    [Fact]
    public void Corpus_rate_weighs_sentences_by_their_length()
    {
        // 1 edit in 1 word and 0 edits in 3 words: 1/4, not the mean 1/2.
        Assert.Equal(0.25, WordErrorRate.Corpus([("yes", "no"), ("one two three", "one two three")]), precision: 10);
    }
}
