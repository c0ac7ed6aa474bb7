using Scribe.LocalSpeech;

namespace Scribe.Tests.Speech;

public sealed class StableWordPrefixTests
{
    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void A_word_goes_out_once_unchanged_for_the_window_and_no_longer_last()
    {
        var prefix = new StableWordPrefix(stabilitySamples: 300);
        Assert.Null(prefix.Observe(Words("please"), 100));
        Assert.Null(prefix.Observe(Words("please bring"), 200));
        // "please" has lasted 200 samples only.
        Assert.Null(prefix.Observe(Words("please bring the"), 300));
        Assert.Equal("please", prefix.Observe(Words("please bring the"), 400));
        // "bring" appeared at 200: stable at 500; "the" is last, so it waits.
        Assert.Equal(" bring", prefix.Observe(Words("please bring the"), 500));
        Assert.Null(prefix.Observe(Words("please bring the"), 900));
        Assert.Equal(["please", "bring"], prefix.Sent);
    }

    [Fact]
    public void A_rewritten_word_restarts_its_clock()
    {
        var prefix = new StableWordPrefix(stabilitySamples: 300);
        prefix.Observe(Words("to help he"), 100);
        // "help" becomes "the": everything from there on is new at 300.
        prefix.Observe(Words("to the whole game"), 300);
        Assert.Equal("to", prefix.Observe(Words("to the whole game"), 400));
        Assert.Null(prefix.Observe(Words("to the whole game"), 500));
        Assert.Equal(" the whole", prefix.Observe(Words("to the whole game"), 600));
    }

    [Fact]
    public void A_word_waits_for_the_given_number_of_words_after_it()
    {
        var prefix = new StableWordPrefix(stabilitySamples: 0, trailingWords: 2);
        Assert.Null(prefix.Observe(Words("please bring"), 100));
        Assert.Equal("please", prefix.Observe(Words("please bring the"), 200));
        Assert.Null(prefix.Observe(Words("please bring the"), 300));
        Assert.Equal(" bring the", prefix.Observe(Words("please bring the red box"), 400));
    }

    [Fact]
    public void Sent_words_are_never_contradicted()
    {
        var prefix = new StableWordPrefix(stabilitySamples: 0);
        Assert.Equal("a b", prefix.Observe(Words("a b c"), 0));
        // The hypothesis dropped "b": nothing goes out until it agrees with what was sent again.
        Assert.Null(prefix.Observe(Words("a x c d"), 10));
        Assert.Equal(" c", prefix.Observe(Words("a b c d"), 20));
        Assert.Equal(["a", "b", "c"], prefix.Sent);
    }
}
