namespace Scribe.Tests.Participants;

/// <summary>The registry owns each speaker stream's life: one feeder feed, stop from anywhere, disposal once, after the last hold.</summary>
public sealed class SpeakerStreamRegistryTests
{
    private readonly SpeakerStreamRegistry _streams = new();

    private static SpeakerStream NewStream(string trackSid = "TR_1")
    {
        var speaker = new SpeakerContext("room", "alice", "Alice", trackSid, 1, 0);
        var publisher = new SegmentPublisher((_, _) => Task.CompletedTask, NullLogger.Instance);
        var transcriber = new SpeakerTranscriber(speaker, new TranscriberOptions(), new EndpointBalancer([]), publisher, NullLogger.Instance, TestMetrics.Scribe);
        return new SpeakerStream(speaker, transcriber, publisher);
    }

    [Fact]
    public async Task A_fed_stream_that_is_stopped_lives_until_its_feed_is_let_go()
    {
        var stream = NewStream();
        Assert.True(await _streams.AdoptAsync(stream));
        Assert.True(_streams.TryTakeFeed("room", "alice", "TR_1", out var feed));
        Assert.False(_streams.TryTakeFeed("room", "alice", "TR_1", out _)); // one feeder only

        await _streams.StopAsync(stream);

        Assert.True(stream.Stopping.IsCancellationRequested);
        Assert.False(_streams.Holds(stream));
        Assert.Equal(0, _streams.Count);
        Assert.False(stream.HasEnded); // the feeder still completes it
        await feed!.DisposeAsync();
        Assert.True(stream.HasEnded);
        await feed.DisposeAsync(); // returned once
    }

    [Fact]
    public async Task An_unfed_stream_is_disposed_when_stopped_and_stopping_again_is_harmless()
    {
        var stream = NewStream();
        await _streams.AdoptAsync(stream);

        await _streams.StopAsync(stream);
        await _streams.StopAsync(stream);

        Assert.True(stream.HasEnded);
        Assert.False(_streams.TryTakeFeed("room", "alice", "TR_1", out _));
    }

    [Fact]
    public async Task A_feeder_ending_first_leaves_a_later_stop_harmless()
    {
        var stream = NewStream();
        await _streams.AdoptAsync(stream);
        Assert.True(_streams.TryTakeFeed("room", "alice", "TR_1", out var feed));

        await _streams.StopAsync(stream); // the ingest socket ended: it forgets the stream
        await feed!.DisposeAsync();      // and returns its feed: disposed here
        await _streams.StopAsync(stream); // the grain retires it afterwards

        Assert.True(stream.HasEnded);
    }

    [Fact]
    public async Task A_second_stream_for_a_held_track_is_refused_and_disposed()
    {
        var first = NewStream();
        var second = NewStream();
        await _streams.AdoptAsync(first);

        Assert.False(await _streams.AdoptAsync(second));

        Assert.True(second.HasEnded);
        Assert.True(_streams.Holds(first));
        Assert.Equal([first], _streams.Snapshot());
        await _streams.StopAsync(first);
    }

    [Fact]
    public async Task A_stopped_stream_cannot_be_fed_even_while_its_track_gets_a_new_one()
    {
        var old = NewStream();
        await _streams.AdoptAsync(old);
        await _streams.StopAsync(old);
        var fresh = NewStream();

        Assert.True(await _streams.AdoptAsync(fresh));
        Assert.True(_streams.TryTakeFeed("room", "alice", "TR_1", out var feed));

        Assert.Same(fresh, feed!.Stream);
        await _streams.StopAsync(fresh);
        await feed.DisposeAsync();
        Assert.True(fresh.HasEnded);
    }
}
