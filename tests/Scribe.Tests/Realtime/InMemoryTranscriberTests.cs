using static Scribe.Tests.Realtime.InMemoryEndpoints;

namespace Scribe.Tests.Realtime;

/// <summary>The whole transcriber on in-memory sessions and a clock that never moves: no socket, no real time.</summary>
public sealed class InMemoryTranscriberTests
{
    private static readonly SpeakerContext Speaker = new("standup", "eve", "Eve", "TR_E", 1, 0);

    private static short[] Tone(int ms) =>
        [.. Enumerable.Range(0, ms * 16).Select(i => (short)(8_000 * Math.Sin(2 * Math.PI * 440 * i / 16_000.0)))];

    [Fact]
    public async Task A_processing_error_replays_the_generation_on_another_endpoint_without_waiting_for_any_timer()
    {
        var connector = new InMemoryConnector();
        var sink = new RecordingSink();
        var time = new FakeTimeProvider();
        await using var transcriber = new SpeakerTranscriber(
            Speaker, new TranscriberOptions { PreRollMs = 0 }, new EndpointBalancer([Gpu1, Gpu2]), sink, NullLogger.Instance, TestMetrics.Scribe, time, connector: connector);

        await transcriber.WriteAsync(Tone(500), CancellationToken.None);
        await Eventually.HoldsAsync(() => connector.Opened.Count == 1 && connector.Last.Sent.Count == 6, "the first session got a commit and five appends");
        var first = connector.Last;
        Assert.Equal(["commit", .. Enumerable.Repeat("append:1600", 5)], first.Sent);

        first.Send(new TranscriptionDelta(""));
        first.Send(new RealtimeError("engine failed", "processing_error"));
        await Eventually.HoldsAsync(() => connector.Opened.Count == 2 && connector.Last.Sent.Count == 6, "the second session got the replay");
        var second = connector.Last;
        Assert.NotEqual(first.Endpoint, second.Endpoint);
        Assert.True(first.Disposed);
        Assert.Equal(first.Sent, second.Sent);

        var completing = transcriber.CompleteAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => second.Sent.Contains("final"), "the final commit is sent");
        second.Send(new TranscriptionDelta(""));
        second.Send(new TranscriptionDelta("la"));
        second.Send(new TranscriptionDelta(""));
        second.Send(new TranscriptionDone("la", null));
        await completing;

        Assert.Equal(["la"], sink.FinalTexts);
        Assert.Equal([("la", false), ("la", true)], sink.Published.Select(s => (s.Text, s.IsFinal)));
        Assert.Equal(Scribe.SpeakerState.Stopped, transcriber.State);
    }

    [Fact]
    public async Task A_stalled_final_is_moved_when_the_loops_timer_comes_due_on_the_given_clock_and_not_before()
    {
        var connector = new InMemoryConnector();
        var sink = new RecordingSink();
        var time = new FakeTimeProvider();
        var options = new TranscriberOptions { PreRollMs = 0, FinalTimeoutMs = 4_000 };
        await using var transcriber = new SpeakerTranscriber(
            Speaker, options, new EndpointBalancer([Gpu1, Gpu2]), sink, NullLogger.Instance, TestMetrics.Scribe, time, connector: connector);

        await transcriber.WriteAsync(Tone(500), CancellationToken.None);
        var completing = transcriber.CompleteAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => !connector.Opened.IsEmpty, "a session is opened");
        var first = connector.Opened.Single();
        await Eventually.HoldsAsync(() => first.Sent.Contains("final"), "the final commit is sent");

        // The time-out runs from the final commit; the timer is set before the commit is sent.
        time.Advance(TimeSpan.FromMilliseconds(options.FinalTimeoutMs - 1));
        Assert.Single(connector.Opened);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.HoldsAsync(() => connector.Opened.Count == 2 && connector.Last.Sent.Contains("final"), "the generation is replayed on a second session with its final");
        var second = connector.Last;
        Assert.NotEqual(first.Endpoint, second.Endpoint);
        Assert.Equal(first.Sent, second.Sent);

        second.Send(new TranscriptionDone("la", null));
        await completing;
        Assert.Equal(["la"], sink.FinalTexts);
    }

    [Fact]
    public async Task A_muted_speakers_session_is_released_when_the_idle_timer_comes_due_on_the_given_clock()
    {
        var connector = new InMemoryConnector();
        var sink = new RecordingSink();
        var time = new FakeTimeProvider();
        var options = new TranscriberOptions { PreRollMs = 0, IdleReleaseMs = 3_000 };
        await using var transcriber = new SpeakerTranscriber(
            Speaker, options, new EndpointBalancer([Gpu1]), sink, NullLogger.Instance, TestMetrics.Scribe, time, connector: connector);

        await transcriber.WriteAsync(Tone(500), CancellationToken.None);
        await transcriber.SetMutedAsync(true, CancellationToken.None);
        await Eventually.HoldsAsync(() => !connector.Opened.IsEmpty, "a session is opened");
        var session = connector.Opened.Single();
        await Eventually.HoldsAsync(() => session.Sent.Contains("final"), "the final commit is sent");
        session.Send(new TranscriptionDone("la", null));
        await Eventually.HoldsAsync(() => sink.FinalTexts.Count == 1, "the final is published");

        time.Advance(TimeSpan.FromMilliseconds(options.IdleReleaseMs - 1));
        Assert.False(session.Disposed);
        Assert.Equal(Scribe.SpeakerState.Muted, transcriber.State);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.HoldsAsync(() => transcriber.Usage.IdleReleases == 1, "the session is released as idle");
        Assert.True(session.Disposed);
        Assert.Null(transcriber.EndpointName);
        Assert.Equal(Scribe.SpeakerState.Muted, transcriber.State);
    }

}
