namespace Scribe.Tests.Participants;

/// <summary>
/// Two silos on Redis: when the silo that receives a speaker's audio goes away, the participant's next activation
/// (on the other silo) starts a fresh egress to itself, so audio never crosses silos.
/// </summary>
public sealed class EgressFollowsSiloTests() : RigTest(new RigOptions
{
    Silos = 2,
    Redis = true,
    ClusterName = "egress-follows",
    MaxSessions = 16,
    Settings = new Dictionary<string, string?> { ["LiveKit:EgressRestartDelayMs"] = "50", ["LiveKit:PublishTranscripts"] = "false" },
})
{
    [Fact]
    public async Task When_the_ingest_silo_leaves_the_egress_is_restarted_to_the_silo_that_now_hosts_the_speaker()
    {
        var participant = Rig.LiveKit.AddParticipant("moving", "alice", "Alice");
        var track = Rig.LiveKit.AddAudioTrack("moving", "alice", "TR_alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var room = Rig.LiveKit.GetRoom("moving");
        Assert.Equal(200, (await Rig.Webhooks.TrackPublishedAsync(Rig.Silos[0].WebhookUrl, room, participant, track, CancellationToken.None)).HttpStatus);

        EgressInfo? first = null;
        await Eventually.HoldsAsync(() => (first = Rig.LiveKit.Egresses.FirstOrDefault(e => e.Status == EgressStatus.Active)) is not null, "the first egress connects");
        var hosting = Rig.Silos.Single(s => SameHost(s, first!));
        var survivor = Rig.Silos.Single(s => s != hosting);

        await Rig.RemoveSiloAsync(hosting, kill: false); // graceful: the stream stops, the egress socket closes

        // LiveKit's egress fails once its socket is gone and says so; any silo may take the webhook. (The fake's
        // held-open egress only notices a closed socket on its next write, so the test sends the webhook itself.)
        var ended = first! with { Status = EgressStatus.Failed, Error = "websocket closed" };
        Assert.Equal(200, (await Rig.Webhooks.EgressEndedAsync(survivor.WebhookUrl, ended, CancellationToken.None)).HttpStatus);

        EgressInfo? second = null;
        await Eventually.HoldsAsync(
            () => (second = Rig.LiveKit.Egresses.FirstOrDefault(e => e.EgressId != first.EgressId && e.Status == EgressStatus.Active)) is not null,
            "a new egress connects");
        Assert.True(SameHost(survivor, second!), $"the new egress dials {second!.WebsocketUrl}, not the surviving silo {survivor.Url}");
    }

    private static bool SameHost(TestSilo silo, EgressInfo egress) => new Uri(egress.WebsocketUrl.Split('?')[0]).Port == silo.Url.Port;
}
