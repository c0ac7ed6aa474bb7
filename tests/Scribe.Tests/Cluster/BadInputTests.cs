using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
using Scribe.Ingest;
using Scribe.LiveKit;
using Scribe.Participants;
using Scribe.Tests.EndToEnd;
using Xunit.Abstractions;

namespace Scribe.Tests.Cluster;

/// <summary>
/// Hundreds of generated bad inputs — forged, expired and tampered webhooks, huge and malformed bodies, invalid
/// ingest tokens, malformed audio sockets, admin calls without the key, unknown rooms — while a real meeting runs
/// on the same silo. Each gets a clear refusal; the silo stays healthy and the meeting's transcript stays exact.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeVllmServer _vllm = null!;
    private FakeLiveKitServer _liveKit = null!;
    private TestSilo _silo = null!;
    private readonly HttpClient _http = new();
    private readonly Random _random = new(20_261_124);

    public async Task InitializeAsync()
    {
        _vllm = await FakeVllmServer.StartAsync();
        _liveKit = await FakeLiveKitServer.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, pace: 2.0);
        _silo = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
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
        _http.Dispose();
    }

    [Fact]
    public async Task Hundreds_of_bad_inputs_are_refused_clearly_while_a_meeting_goes_on_untouched()
    {
        var webhooks = new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
        string[] speakers = ["ann", "ben", "ann"];
        var meeting = new Meeting([.. speakers.Zip(ToneSpeech.RandomSentences(3, seed: 5))]);
        var room = new LiveKitRoom { Name = "calm", Sid = "RM_calm" };
        var tracks = await webhooks.PublishAsync(_liveKit, _silo.WebhookUrl, "calm", meeting.Tracks);

        var outcomes = new List<(string Case, int Status)>();
        outcomes.AddRange(await BadWebhooksAsync(webhooks, room));
        outcomes.AddRange(await BadIngestAsync());
        outcomes.AddRange(await BadAdminCallsAsync());
        output.WriteLine($"{outcomes.Count} bad inputs: " + string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}")));

        Assert.True(outcomes.Count >= 300, $"only {outcomes.Count} cases");
        Assert.All(outcomes, o => Assert.True(o.Status is >= 400 and < 500, $"{o.Case} answered {o.Status}"));
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(_silo.Url, "/healthz"))).StatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _liveKit.WaitForEgressesAsync(tracks, timeout.Token);
        var segments = await _silo.WaitForFinalsAsync("calm", meeting.Turns.Count, timeout.Token);
        Assert.Equal(meeting.Turns.Select(t => (t.Speaker, t.Sentence)), segments.Select(s => (s.Speaker, s.Text)));
        Assert.Empty(_vllm.Violations);
    }

    private async Task<List<(string, int)>> BadWebhooksAsync(LiveKitWebhookSender webhooks, LiveKitRoom room)
    {
        var results = new List<(string, int)>();
        var url = _silo.WebhookUrl;
        var strangers = new[]
        {
            new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, "another-secret-another-secret-1234"),
            new LiveKitWebhookSender(_http, "unknown-key", TestSilo.LiveKitSecret),
            new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret) { Clock = () => DateTimeOffset.UtcNow.AddMinutes(-30) },
            new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret) { Clock = () => DateTimeOffset.UtcNow.AddMinutes(30) },
        };
        string[] events = ["room_started", "participant_joined", "track_published", "track_unpublished", "participant_left", "room_finished"];
        for (var i = 0; i < 120; i++)
        {
            var body = Encoding.UTF8.GetBytes(webhooks.Build(events[i % events.Length], room with { Name = "forged-" + i }).ToJsonString());
            var (name, bytes, authorization) = (i % 6) switch
            {
                0 => ("forged by a wrong secret, unknown key, or out of time", body, strangers[i % strangers.Length].Sign(body)),
                1 => ("tampered body", Flip(body), webhooks.Sign(body)),
                2 => ("signed garbage", RandomBytes(_random.Next(1, 4_000)), null),
                3 => ("random authorization", body, RandomAuthorization()),
                4 => ("no authorization", body, null),
                _ => ("truncated", body[..(body.Length / 2)], webhooks.Sign(body)),
            };
            authorization = name == "signed garbage" ? webhooks.Sign(bytes) : authorization;
            results.Add(($"webhook {name}", (await webhooks.PostAsync(url, bytes, authorization, CancellationToken.None)).HttpStatus));
        }

        var huge = new byte[2 << 20];
        results.Add(("webhook huge body", (await webhooks.PostAsync(url, huge, webhooks.Sign(huge), CancellationToken.None)).HttpStatus));

        // None of it made a room.
        for (var i = 0; i < 120; i += 7)
        {
            var status = (int)(await _silo.Admin.GetAsync(new Uri($"/api/rooms/forged-{i}", UriKind.Relative))).StatusCode;
            Assert.Equal(404, status);
        }

        return results;
    }

    private async Task<List<(string, int)>> BadIngestAsync()
    {
        var results = new List<(string, int)>();
        var tokens = _silo.Services.GetRequiredService<IngestToken>();
        var valid = tokens.Create(new IngestGrant("calm", "ann", "TR_ann", DateTimeOffset.UtcNow.AddMinutes(5)));
        var candidates = new List<(string Case, string Path, string? ContentType)>();
        for (var i = 0; i < 40; i++) candidates.Add(("random token", $"TR_ann?token={Uri.EscapeDataString(RandomText(_random.Next(0, 120)))}", "audio/x-raw"));
        for (var i = 0; i < 40; i++) candidates.Add(("tampered token", $"TR_ann?token={Tamper(valid)}", "audio/x-raw"));
        for (var i = 0; i < 10; i++)
        {
            var expired = tokens.Create(new IngestGrant("calm", "ann", "TR_ann", DateTimeOffset.UtcNow.AddSeconds(-_random.Next(1, 10_000))));
            candidates.Add(("expired token", $"TR_ann?token={expired}", "audio/x-raw"));
        }

        for (var i = 0; i < 10; i++) candidates.Add(("token for another track", $"TR_ben?token={valid}", "audio/x-raw"));
        for (var i = 0; i < 10; i++) candidates.Add(("wrong content type", $"TR_ann?token={valid}", i % 2 == 0 ? "application/json" : null));
        for (var i = 0; i < 10; i++)
        {
            var stranger = tokens.Create(new IngestGrant("calm", "nobody-" + i, "TR_x" + i, DateTimeOffset.UtcNow.AddMinutes(5)));
            candidates.Add(("track nobody publishes", $"TR_x{i}?token={stranger}", "audio/x-raw"));
        }

        foreach (var (name, path, contentType) in candidates)
        {
            using var socket = new ClientWebSocket();
            if (contentType is not null) socket.Options.SetRequestHeader("Content-Type", contentType);
            socket.Options.CollectHttpResponseDetails = true;
            var url = new Uri($"ws://{_silo.Url.Authority}/ingest/{path}");
            try
            {
                await socket.ConnectAsync(url, CancellationToken.None);
                results.Add(($"ingest {name}", 101));
            }
            catch (WebSocketException)
            {
                results.Add(($"ingest {name}", (int)socket.HttpStatusCode));
            }
        }

        using var plain = await _http.GetAsync(new Uri(_silo.Url, $"/ingest/TR_ann?token={valid}"));
        results.Add(("ingest without upgrade", (int)plain.StatusCode));
        return results;
    }

    private async Task<List<(string, int)>> BadAdminCallsAsync()
    {
        var results = new List<(string, int)>();
        using var anonymous = new HttpClient { BaseAddress = _silo.Url };
        string[] paths = ["/api/rooms/calm", "/api/rooms/calm/transcript", "/api/rooms/calm/transcript?since=3", "/api/rooms/x/transcript"];
        for (var i = 0; i < 40; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(paths[i % paths.Length], UriKind.Relative));
            if (i % 3 == 1) request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + RandomText(_random.Next(1, 40)));
            if (i % 3 == 2) request.Headers.TryAddWithoutValidation("Authorization", TestSilo.AdminKey);
            results.Add(("admin without the key", (int)(await anonymous.SendAsync(request)).StatusCode));
        }

        for (var i = 0; i < 30; i++)
        {
            var name = Uri.EscapeDataString(RandomText(_random.Next(1, 30)));
            results.Add(("unknown room", (int)(await _silo.Admin.GetAsync(new Uri($"/api/rooms/{name}/transcript", UriKind.Relative))).StatusCode));
        }

        foreach (var since in new[] { "-1", "abc", "1e9", "%00", "99999999999999999999999" })
        {
            results.Add(("bad since", (int)(await _silo.Admin.GetAsync(new Uri($"/api/rooms/calm/transcript?since={since}", UriKind.Relative))).StatusCode));
        }

        return results;
    }

    private byte[] Flip(byte[] body)
    {
        var copy = (byte[])body.Clone();
        copy[_random.Next(copy.Length)] ^= (byte)(1 << _random.Next(8));
        return copy;
    }

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string RandomText(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/= ";
        return new string([.. Enumerable.Range(0, length).Select(_ => alphabet[_random.Next(alphabet.Length)])]);
    }

    private string RandomAuthorization() => _random.Next(4) switch
    {
        0 => "",
        1 => "Bearer",
        2 => "eyJhbGciOiJIUzI1NiJ9." + RandomText(40).Replace(' ', 'x') + "." + RandomText(43).Replace(' ', 'x'),
        _ => RandomText(_random.Next(1, 200)),
    };

    private string Tamper(string token)
    {
        var chars = token.ToCharArray();
        var i = _random.Next(chars.Length);
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}
