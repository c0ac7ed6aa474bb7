using System.Text.Json;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
using Scribe.LiveKit;
using Scribe.Tests.EndToEnd;

namespace Scribe.Tests.Cluster;

/// <summary>Three silos on Redis form one cluster; webhooks, ingest and queries may land on any of them.</summary>
public sealed class MultiSiloTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private FakeVllmServer _vllm = null!;
    private FakeLiveKitServer _liveKit = null!;
    private readonly List<TestSilo> _silos = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _vllm = await FakeVllmServer.StartAsync();
        _liveKit = await FakeLiveKitServer.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, pace: 4.0);
        var clusterId = "multi-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 3; i++)
        {
            _silos.Add(await TestSilo.StartAsync(new Dictionary<string, string?>
            {
                ["Cluster:Provider"] = "Redis",
                ["Cluster:ClusterId"] = clusterId,
                ["Cluster:AdvertisedIp"] = "127.0.0.1",
                ["ConnectionStrings:Redis"] = _redis.ConnectionString,
                ["LiveKit:Url"] = _liveKit.Url.ToString(),
                ["Inference:Endpoints:0:Name"] = "gpu-1",
                ["Inference:Endpoints:0:Url"] = _vllm.RealtimeUrl.ToString(),
                ["Inference:Endpoints:0:Model"] = _vllm.Model,
                ["Inference:Endpoints:0:MaxSessions"] = "32",
            }));
        }
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
    }

    [Fact]
    public async Task Webhooks_ingest_and_queries_on_different_silos_make_one_transcript_per_room()
    {
        using var http = new HttpClient();
        var webhooks = new LiveKitWebhookSender(http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
        var rooms = new[] { "north", "south", "east" };
        var meetings = new Dictionary<string, Meeting>();
        var sentences = ToneSpeech.RandomSentences(rooms.Length * 4, seed: 77);
        for (var r = 0; r < rooms.Length; r++)
        {
            string[] speakers = ["ann", "ben", "ann", "ben"];
            meetings[rooms[r]] = new Meeting([.. speakers.Zip(sentences.Skip(r * 4).Take(4))]);
        }

        // Each webhook goes to a different silo, round robin, as a load balancer would send them.
        var next = 0;
        Uri AnySilo() => _silos[next++ % _silos.Count].WebhookUrl;
        foreach (var (name, meeting) in meetings)
        {
            var room = new LiveKitRoom { Name = name, Sid = "RM_" + name };
            Assert.Equal(200, (await webhooks.RoomStartedAsync(AnySilo(), room, CancellationToken.None)).HttpStatus);
            foreach (var (identity, pcm) in meeting.Tracks)
            {
                var participant = _liveKit.AddParticipant(name, identity, identity);
                var track = _liveKit.AddAudioTrack(name, identity, $"TR_{name}_{identity}", pcm);
                Assert.Equal(200, (await webhooks.TrackPublishedAsync(AnySilo(), _liveKit.GetRoom(name), participant, track, CancellationToken.None)).HttpStatus);
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        foreach (var egress in _liveKit.Egresses)
        {
            var ended = await _liveKit.WaitForEgressEndAsync(egress.EgressId, timeout.Token);
            Assert.Equal(EgressStatus.Complete, ended.Status);
        }

        // Each egress was pointed at a silo of the cluster (the one hosting that speaker's grain).
        var ingestPorts = _liveKit.Requests.Where(r => r.Method == "StartTrackEgress")
            .Select(r => new Uri(JsonDocument.Parse(r.Body).RootElement.GetProperty("websocket_url").GetString()!).Port)
            .ToList();
        Assert.Equal(6, ingestPorts.Count);
        Assert.All(ingestPorts, port => Assert.Contains(port, _silos.Select(s => s.Url.Port)));

        for (var r = 0; r < rooms.Length; r++)
        {
            var reader = _silos[(r + 1) % _silos.Count];
            var transcript = await reader.WaitForFinalsAsync(rooms[r], 4, timeout.Token);
            Assert.Equal(meetings[rooms[r]].Turns.Select(t => (t.Speaker, t.Sentence)), transcript.Select(s => (s.Speaker, s.Text)));
        }

        Assert.Empty(_vllm.Violations);
    }
}
