using System.Net.Http.Json;
using System.Text.Json;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
using Scribe.LiveKit;
using Scribe.Tests.EndToEnd;

namespace Scribe.Tests.Cluster;

/// <summary>Redis restarts in the middle of a meeting: segments wait and retry, none is lost or doubled.</summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private FakeVllmServer _vllm = null!;
    private FakeLiveKitServer _liveKit = null!;
    private TestSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _vllm = await FakeVllmServer.StartAsync();
        _liveKit = await FakeLiveKitServer.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, pace: 2.0);
        _silo = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Cluster:Provider"] = "Redis",
            ["Cluster:ClusterId"] = "outage-" + Guid.NewGuid().ToString("N")[..8],
            ["Cluster:AdvertisedIp"] = "127.0.0.1",
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["LiveKit:Url"] = _liveKit.Url.ToString(),
            ["Inference:Endpoints:0:Name"] = "gpu-1",
            ["Inference:Endpoints:0:Url"] = _vllm.RealtimeUrl.ToString(),
            ["Inference:Endpoints:0:Model"] = _vllm.Model,
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _liveKit.DisposeAsync();
        await _vllm.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_redis_restart_mid_meeting_loses_no_segment()
    {
        using var http = new HttpClient();
        var webhooks = new LiveKitWebhookSender(http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
        string[] speakers = ["ann", "ben", "ann", "ben", "ann", "ben"];
        var meeting = new Meeting([.. speakers.Zip(ToneSpeech.RandomSentences(6, seed: 31))]);
        await webhooks.RoomStartedAsync(_silo.WebhookUrl, new LiveKitRoom { Name = "weather", Sid = "RM_w" }, CancellationToken.None);
        foreach (var (identity, pcm) in meeting.Tracks)
        {
            var participant = _liveKit.AddParticipant("weather", identity, identity);
            var track = _liveKit.AddAudioTrack("weather", identity, "TR_" + identity, pcm);
            Assert.Equal(200, (await webhooks.TrackPublishedAsync(_silo.WebhookUrl, _liveKit.GetRoom("weather"), participant, track, CancellationToken.None)).HttpStatus);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // Wait until the first final segment is stored, then take Redis away for two seconds.
        await WaitForAsync(async () => (await TranscriptAsync(timeout.Token)).Any(s => s.IsFinal), timeout.Token);
        _redis.Stop();
        await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
        await _redis.RestartAsync();

        foreach (var identity in meeting.Tracks.Keys)
        {
            var egress = await _liveKit.WaitForTrackEgressAsync("TR_" + identity, timeout.Token);
            await _liveKit.WaitForEgressEndAsync(egress.EgressId, timeout.Token);
        }

        await WaitForAsync(async () => await TranscriptAsync(timeout.Token) is { Count: >= 6 } t && t.All(s => s.IsFinal), timeout.Token);
        var transcript = await TranscriptAsync(timeout.Token);
        Assert.Equal(meeting.Turns.Select(t => (t.Speaker, t.Sentence)), transcript.Select(s => (s.Speaker, s.Text)));
    }

    private async Task<IReadOnlyList<TranscriptSegment>> TranscriptAsync(CancellationToken cancellationToken)
    {
        using var response = await _silo.Admin.GetAsync(new Uri("/api/rooms/weather/transcript", UriKind.Relative), cancellationToken);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<TranscriptResponse>(JsonSerializerOptions.Web, cancellationToken))!.Segments
            : [];
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    private sealed record TranscriptResponse(string Room, long Revision, IReadOnlyList<TranscriptSegment> Segments);
}
