using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
using Scribe.LiveKit;

namespace Scribe.Tests.Participants;

/// <summary>
/// Two silos on Redis: when the silo that receives a speaker's audio goes away, the participant's next activation
/// (on the other silo) starts a fresh egress to itself, so audio never crosses silos.
/// </summary>
public sealed class EgressFollowsSiloTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private RedisServer _redis = null!;
    private FakeVllmServer _vllm = null!;
    private FakeLiveKitServer _liveKit = null!;
    private readonly List<TestSilo> _silos = [];
    private LiveKitWebhookSender _webhooks = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _vllm = await FakeVllmServer.StartAsync();
        _liveKit = await FakeLiveKitServer.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, pace: 4.0);
        var settings = new Dictionary<string, string?>
        {
            ["Cluster:Provider"] = "Redis",
            ["Cluster:ClusterId"] = "egress-follows-" + Guid.NewGuid().ToString("N")[..8],
            ["Cluster:AdvertisedIp"] = "127.0.0.1",
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["LiveKit:Url"] = _liveKit.Url.ToString(),
            ["LiveKit:EgressRestartDelayMs"] = "50",
            ["LiveKit:PublishTranscripts"] = "false",
            ["Inference:Endpoints:0:Name"] = "gpu-1",
            ["Inference:Endpoints:0:Url"] = _vllm.RealtimeUrl.ToString(),
            ["Inference:Endpoints:0:Model"] = _vllm.Model,
            ["Inference:Endpoints:0:MaxSessions"] = "16",
        };
        _silos.Add(await TestSilo.StartAsync(settings));
        _silos.Add(await TestSilo.StartAsync(settings));
        _webhooks = new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _liveKit.DisposeAsync();
        await _vllm.DisposeAsync();
        await _redis.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task When_the_ingest_silo_leaves_the_egress_is_restarted_to_the_silo_that_now_hosts_the_speaker()
    {
        var participant = _liveKit.AddParticipant("moving", "alice", "Alice");
        var track = _liveKit.AddAudioTrack("moving", "alice", "TR_alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var room = _liveKit.GetRoom("moving");
        Assert.Equal(200, (await _webhooks.TrackPublishedAsync(_silos[0].WebhookUrl, room, participant, track, CancellationToken.None)).HttpStatus);

        EgressInfo? first = null;
        await LiveKitRoomHarness.WaitUntilAsync(() => (first = _liveKit.Egresses.FirstOrDefault(e => e.Status == EgressStatus.Active)) is not null, "the first egress connects");
        var hosting = _silos.Single(s => SameHost(s, first!));
        var survivor = _silos.Single(s => s != hosting);

        _silos.Remove(hosting);
        await hosting.DisposeAsync(); // graceful: the stream stops, the egress socket closes

        // LiveKit's egress fails once its socket is gone and says so; any silo may take the webhook. (The fake's
        // held-open egress only notices a closed socket on its next write, so the test sends the webhook itself.)
        var ended = first! with { Status = EgressStatus.Failed, Error = "websocket closed" };
        Assert.Equal(200, (await _webhooks.EgressEndedAsync(survivor.WebhookUrl, ended, CancellationToken.None)).HttpStatus);

        EgressInfo? second = null;
        await LiveKitRoomHarness.WaitUntilAsync(
            () => (second = _liveKit.Egresses.FirstOrDefault(e => e.EgressId != first.EgressId && e.Status == EgressStatus.Active)) is not null,
            "a new egress connects");
        Assert.True(SameHost(survivor, second!), $"the new egress dials {second!.WebsocketUrl}, not the surviving silo {survivor.Url}");
    }

    private static bool SameHost(TestSilo silo, EgressInfo egress) => new Uri(egress.WebsocketUrl.Split('?')[0]).Port == silo.Url.Port;
}
