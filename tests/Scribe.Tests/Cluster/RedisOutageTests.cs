using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
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
            ["Inference:Endpoints:0:MaxGenerations"] = "8",
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
        var tracks = await webhooks.PublishAsync(_liveKit, _silo.WebhookUrl, "weather", meeting.Tracks);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // Wait until the first final segment is stored, then take Redis away for two seconds.
        await WaitForAsync(async () => (await _silo.TranscriptAsync("weather", timeout.Token)).Any(s => s.IsFinal), timeout.Token);
        _redis.Stop();
        await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
        await _redis.RestartAsync();

        await _liveKit.WaitForEgressesAsync(tracks, timeout.Token);
        var transcript = await _silo.WaitForFinalsAsync("weather", meeting.Turns.Count, timeout.Token);
        Assert.Equal(meeting.Turns.Select(t => (t.Speaker, t.Sentence)), transcript.Select(s => (s.Speaker, s.Text)));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(100, cancellationToken);
        }
    }
}
