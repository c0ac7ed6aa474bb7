namespace Scribe.Tests.Participants;

/// <summary>A speaker's usage: running streams count, an ended stream is folded into the kept sum exactly once.</summary>
public sealed class SpeakerUsageLedgerTests
{
    private sealed class Source(double speech) : IUsageSource
    {
        public bool HasEnded { get; set; }

        public SpeakerUsage Usage { get; set; } = new(speech, 0, speech, 1, 0);
    }

    [Fact]
    public void Running_streams_count_in_the_total_and_ended_ones_are_folded_once()
    {
        var ledger = new SpeakerUsageLedger(new SpeakerUsage(10, 0, 10, 1, 0));
        var first = new Source(1);
        var second = new Source(2);
        ledger.Track(first);
        ledger.Track(second);
        ledger.Track(first); // tracked once

        Assert.Equal(new SpeakerUsage(13, 0, 13, 3, 0), ledger.Total);
        Assert.False(ledger.FoldEnded());

        first.HasEnded = true;
        Assert.True(ledger.FoldEnded());
        Assert.False(ledger.FoldEnded());
        first.Usage = new SpeakerUsage(100, 0, 100, 1, 0); // no longer read once folded

        Assert.Equal(new SpeakerUsage(11, 0, 11, 2, 0), ledger.Folded);
        Assert.Equal(new SpeakerUsage(13, 0, 13, 3, 0), ledger.Total);
        Assert.True(ledger.HasOpen);

        second.HasEnded = true;
        ledger.FoldEnded();
        Assert.False(ledger.HasOpen);
        Assert.Equal(ledger.Folded, ledger.Total);
    }
}
