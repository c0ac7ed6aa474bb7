using System.Diagnostics;

namespace Scribe.Tests.Notifications;

/// <summary>Two silos on Redis: the silo holding the outbox dies with an event undelivered, and the other silo delivers it.</summary>
public sealed class OutboxSurvivesSiloLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private BackendReceiver _backend = null!;
    private MeetingRig _rig = null!;

    public async Task InitializeAsync()
    {
        _backend = await BackendReceiver.StartAsync();
        _rig = await MeetingRig.StartAsync(new RigOptions
        {
            Silos = 2,
            Redis = true,
            ClusterName = "outbox",
            FakeVllm = false,
            LiveKitPace = null,
            Settings = TranscriptReadyDeliveryTests.Settings(_backend.Url),
        });
    }

    public async Task DisposeAsync()
    {
        await _rig.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task An_undelivered_event_is_delivered_after_the_outbox_silo_is_killed()
    {
        var grains = _rig.Grains;
        var management = grains.GetGrain<IManagementGrain>(0);
        await Eventually.HoldsAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, "both silos are active");

        _backend.Answer = 503;
        const string room = "survivor";
        var grain = grains.GetGrain<IRoomGrain>(room);
        await grain.ParticipantJoinedAsync(new ParticipantInfo("alice", "Alice", "PA_alice"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 1, "first"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 2, "second"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 3, "left open", final: false));
        await grain.FinishAsync();
        var refused = await _backend.WaitForAsync(r => r.IsReadyFor(room), TimeSpan.FromSeconds(30));

        var outbox = grains.GetGrain<INotificationOutboxGrain>(INotificationOutboxGrain.Key);
        var holder = await _rig.HostOfAsync(outbox);
        output.WriteLine($"outbox held by {holder.Url}; killing it");
        await _rig.RemoveSiloAsync(holder, kill: true);

        _backend.Answer = 204;
        var clock = Stopwatch.StartNew();
        var delivered = await _backend.WaitForAsync(r => r.IsReadyFor(room) && r.AnsweredWith == 204, TimeSpan.FromSeconds(60));
        output.WriteLine($"delivered {clock.ElapsedMilliseconds} ms after the kill");
        Assert.Equal(refused.Id, delivered.Id);
        TranscriptReadyDeliveryTests.AssertSignedReady(delivered, room);
    }
}
