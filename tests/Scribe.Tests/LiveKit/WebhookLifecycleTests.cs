using System.Diagnostics;

namespace Scribe.Tests.LiveKit;

/// <summary>
/// Every LiveKit webhook against a real silo and a fake LiveKit: each event answered, retries handled once,
/// any order tolerated, finished rooms stay finished, lost events reconciled, and the webhook never waits for
/// LiveKit's egress service.
/// </summary>
public sealed class WebhookLifecycleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private LiveKitRoomHarness _h = null!;

    public async Task InitializeAsync() => _h = await LiveKitRoomHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Every_event_of_the_protocol_is_answered_200()
    {
        var (room, alice, track) = await _h.PublishAsync("all-events", "alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var egress = await _h.WaitForActiveEgressAsync(track.Sid);
        var url = _h.WebhookUrl;
        var none = CancellationToken.None;

        var deliveries = new List<WebhookDelivery>
        {
            await _h.Webhooks.RoomStartedAsync(url, room, none),
            await _h.Webhooks.EgressStartedAsync(url, egress with { Status = EgressStatus.Starting }, none),
            await _h.Webhooks.EgressUpdatedAsync(url, egress, none),
            await _h.Webhooks.SendAsync(url, _h.Webhooks.Build("ingress_started", room: room), none),
            await _h.Webhooks.SendAsync(url, _h.Webhooks.Build("ingress_ended", room: room), none),
            await _h.Webhooks.SendAsync(url, _h.Webhooks.Build("ingress_started"), none), // ingress events may name no room
            await _h.Webhooks.TrackUnpublishedAsync(url, room, alice, track, none),
            await _h.Webhooks.SendAsync(url, _h.Webhooks.Build("participant_connection_aborted", room: room, participant: alice), none),
            await _h.Webhooks.ParticipantLeftAsync(url, room, alice, none),
            await _h.Webhooks.EgressEndedAsync(url, egress with { Status = EgressStatus.Complete }, none),
            await _h.Webhooks.RoomFinishedAsync(url, room, none),
        };

        Assert.All(deliveries, d => Assert.Equal(200, d.HttpStatus));
        await Eventually.HoldsAsync(() => _h.StopRequests(egress.EgressId) == 1, "the unpublished track's egress is stopped");
        Assert.Equal(RoomState.Finished, (await _h.SummaryAsync("all-events"))!.State);
        Assert.Equal(SpeakerState.Idle, (await _h.StatusAsync("all-events", "alice")).State);
        Assert.Equal(1, _h.StartRequests(track.Sid));
    }

    [Fact]
    public async Task Retried_and_concurrent_track_published_start_exactly_one_egress()
    {
        var participant = _h.LiveKit.AddParticipant("retries", "alice");
        var track = _h.LiveKit.AddAudioTrack("retries", "alice", "TR_alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var room = _h.LiveKit.GetRoom("retries");
        var first = await _h.Webhooks.TrackPublishedAsync(_h.WebhookUrl, room, participant, track, CancellationToken.None);

        // LiveKit's retries of that delivery, and the same fact in fresh events (a reconciling peer), all at once.
        var storm = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? _h.Webhooks.ResendAsync(_h.WebhookUrl, first, CancellationToken.None)
            : _h.Webhooks.TrackPublishedAsync(_h.WebhookUrl, room, participant, track, CancellationToken.None)));

        Assert.Equal(200, first.HttpStatus);
        Assert.All(storm, d => Assert.Equal(200, d.HttpStatus));
        // Active means the egress passed our ingest handshake, which only the grain's one egress can.
        var egress = await _h.WaitForActiveEgressAsync(track.Sid);
        Assert.Equal(egress.EgressId, (await _h.StatusAsync("retries", "alice")).EgressId);
        Assert.Equal(1, _h.StartRequests(track.Sid));
        Assert.Single(_h.EgressesOf(track.Sid));
    }

    [Fact]
    public async Task Reordered_events_start_and_stop_the_right_egress()
    {
        var participant = _h.LiveKit.AddParticipant("reordered", "alice");
        var track = _h.LiveKit.AddAudioTrack("reordered", "alice", "TR_alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var room = _h.LiveKit.GetRoom("reordered");
        var url = _h.WebhookUrl;

        // track_published before participant_joined and before room_started.
        Assert.Equal(200, (await _h.Webhooks.TrackPublishedAsync(url, room, participant, track, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await _h.Webhooks.ParticipantJoinedAsync(url, room, participant, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await _h.Webhooks.RoomStartedAsync(url, room, CancellationToken.None)).HttpStatus);
        var egress = await _h.WaitForActiveEgressAsync(track.Sid);

        // participant_left before track_unpublished; then a late track_published of the session that left.
        Assert.Equal(200, (await _h.Webhooks.ParticipantLeftAsync(url, room, participant, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await _h.Webhooks.TrackUnpublishedAsync(url, room, participant, track, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await _h.Webhooks.TrackPublishedAsync(url, room, participant, track, CancellationToken.None)).HttpStatus);

        await Eventually.HoldsAsync(() => _h.StopRequests(egress.EgressId) == 1, "the egress is stopped");
        await Eventually.HoldsAsync(async () => (await _h.StatusAsync("reordered", "alice")).State == SpeakerState.Idle, "alice is idle");
        Assert.Equal(1, _h.StartRequests(track.Sid));

        // track_unpublished before track_published (bob): the late publish is ignored.
        var bob = _h.LiveKit.AddParticipant("reordered", "bob");
        var bobTrack = _h.LiveKit.AddAudioTrack("reordered", "bob", "TR_bob", LiveKitRoomHarness.Silence(500));
        Assert.Equal(200, (await _h.Webhooks.TrackUnpublishedAsync(url, room, bob, bobTrack, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await _h.Webhooks.TrackPublishedAsync(url, room, bob, bobTrack, CancellationToken.None)).HttpStatus);
        Assert.Equal(SpeakerState.Idle, (await _h.StatusAsync("reordered", "bob")).State);
        Assert.Equal(0, _h.StartRequests(bobTrack.Sid));
    }

    [Fact]
    public async Task A_finished_room_stops_every_egress_and_stray_events_do_not_resurrect_it()
    {
        var (room, alice, aliceTrack) = await _h.PublishAsync("finished", "alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var (_, bob, bobTrack) = await _h.PublishAsync("finished", "bob", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var aliceEgress = await _h.WaitForActiveEgressAsync(aliceTrack.Sid);
        var bobEgress = await _h.WaitForActiveEgressAsync(bobTrack.Sid);

        Assert.Equal(200, (await _h.Webhooks.RoomFinishedAsync(_h.WebhookUrl, room, CancellationToken.None)).HttpStatus);
        await Eventually.HoldsAsync(() => _h.StopRequests(aliceEgress.EgressId) == 1 && _h.StopRequests(bobEgress.EgressId) == 1, "both egresses are stopped");

        // Late events of the finished session.
        var carol = _h.LiveKit.AddParticipant("finished", "carol");
        var carolTrack = _h.LiveKit.AddAudioTrack("finished", "carol", "TR_carol", LiveKitRoomHarness.Silence(500));
        Assert.Equal(200, (await _h.Webhooks.ParticipantJoinedAsync(_h.WebhookUrl, room, carol, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await _h.Webhooks.TrackPublishedAsync(_h.WebhookUrl, room, carol, carolTrack, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await _h.Webhooks.RoomStartedAsync(_h.WebhookUrl, room, CancellationToken.None)).HttpStatus);

        var summary = await _h.SummaryAsync("finished");
        Assert.Equal(RoomState.Finished, summary!.State);
        Assert.DoesNotContain("carol", summary.Speakers);
        Assert.Equal(0, _h.StartRequests(carolTrack.Sid));
        Assert.Equal(SpeakerState.Idle, (await _h.StatusAsync("finished", "alice")).State);
        Assert.Equal(SpeakerState.Idle, (await _h.StatusAsync("finished", "bob")).State);

        // The room name reused by a new LiveKit session (another sid) starts again.
        Assert.Equal(200, (await _h.Webhooks.RoomStartedAsync(_h.WebhookUrl, room with { Sid = "RM_second_session" }, CancellationToken.None)).HttpStatus);
        Assert.Equal(RoomState.Active, (await _h.SummaryAsync("finished"))!.State);
        _ = alice;
        _ = bob;
    }

    [Fact]
    public async Task Dropped_events_are_reconciled_with_list_participants()
    {
        // alice joined and published, but both webhooks were lost; bob's join says so with numDropped.
        _h.LiveKit.AddParticipant("dropped", "alice");
        var aliceTrack = _h.LiveKit.AddAudioTrack("dropped", "alice", "TR_alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var bob = _h.LiveKit.AddParticipant("dropped", "bob");
        var room = _h.LiveKit.GetRoom("dropped");
        var join = _h.Webhooks.Build("participant_joined", room: room, participant: bob, numDropped: 2);
        Assert.Equal(200, (await _h.Webhooks.SendAsync(_h.WebhookUrl, join, CancellationToken.None)).HttpStatus);

        var egress = await _h.WaitForActiveEgressAsync(aliceTrack.Sid);
        Assert.Contains(_h.LiveKit.Requests, r => r.Method == "ListParticipants" && r.Status == 200);

        // alice leaves and that webhook is lost too; the next event reports the gap.
        _h.LiveKit.RemoveParticipant("dropped", "alice");
        var next = _h.Webhooks.Build("participant_joined", room: room, participant: bob, numDropped: 1);
        Assert.Equal(200, (await _h.Webhooks.SendAsync(_h.WebhookUrl, next, CancellationToken.None)).HttpStatus);
        await Eventually.HoldsAsync(async () => (await _h.StatusAsync("dropped", "alice")).TrackSid is null, "alice's track is no longer transcribed");
        Assert.Equal(1, _h.StartRequests(aliceTrack.Sid));
        _ = egress;
    }

    [Fact]
    public async Task Agents_and_sip_participants_are_not_transcribed()
    {
        var (_, _, agentTrack) = await _h.PublishAsync("kinds", "agent", LiveKitRoomHarness.Silence(500), kind: ParticipantKind.Agent);
        var (_, _, sipTrack) = await _h.PublishAsync("kinds", "phone", LiveKitRoomHarness.Silence(500), kind: ParticipantKind.Sip);
        var (_, _, personTrack) = await _h.PublishAsync("kinds", "alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);

        await _h.WaitForActiveEgressAsync(personTrack.Sid);
        Assert.Equal(0, _h.StartRequests(agentTrack.Sid));
        Assert.Equal(0, _h.StartRequests(sipTrack.Sid));
        var summary = await _h.SummaryAsync("kinds");
        Assert.Equal(["alice"], summary!.Speakers);
    }

    [Fact]
    public async Task A_failed_egress_reported_by_webhook_is_replaced()
    {
        var (_, _, track) = await _h.PublishAsync("failed", "alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var first = await _h.WaitForActiveEgressAsync(track.Sid);

        var ended = first with { Status = EgressStatus.Failed, Error = "egress worker crashed" };
        Assert.Equal(200, (await _h.Webhooks.EgressEndedAsync(_h.WebhookUrl, ended, CancellationToken.None)).HttpStatus);

        var second = await _h.WaitForActiveEgressAsync(track.Sid, first.EgressId);
        await Eventually.HoldsAsync(() => _h.StopRequests(first.EgressId) == 1, "the failed egress is let go");
        Assert.Equal(2, _h.StartRequests(track.Sid));
        Assert.Equal(second.EgressId, (await _h.StatusAsync("failed", "alice")).EgressId);
    }

    [Fact]
    public async Task Webhook_latency_over_200_deliveries()
    {
        var room = new LiveKitRoom { Name = "latency", Sid = "RM_latency" };
        await _h.Webhooks.RoomStartedAsync(_h.WebhookUrl, room, CancellationToken.None); // warm the grains and the connection
        var timings = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            // Track egress for these tracks fails at LiveKit (not found): the webhook must not wait for that call.
            var participant = new LiveKitParticipant { Identity = $"p{i}", Sid = $"PA_{i}", Name = $"P {i}" };
            var track = LiveKitWebhookSender.MicrophoneTrack($"TR_{i}");
            var watch = Stopwatch.StartNew();
            var joined = await _h.Webhooks.ParticipantJoinedAsync(_h.WebhookUrl, room, participant, CancellationToken.None);
            timings.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            var published = await _h.Webhooks.TrackPublishedAsync(_h.WebhookUrl, room, participant, track, CancellationToken.None);
            timings.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(200, joined.HttpStatus);
            Assert.Equal(200, published.HttpStatus);
        }

        timings.Sort();
        var p50 = timings[timings.Count / 2];
        var p99 = timings[(int)(timings.Count * 0.99) - 1];
        var line = $"webhook latency over {timings.Count} deliveries (sign + POST + verify + grains): p50 {p50:F1} ms, p99 {p99:F1} ms, max {timings[^1]:F1} ms";
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
