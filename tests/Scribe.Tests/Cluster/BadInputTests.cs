using System.Net;
using System.Net.WebSockets;
using System.Text;
using Scribe.Ingest;

namespace Scribe.Tests.Cluster;

/// <summary>
/// Hundreds of generated bad inputs — forged, expired and tampered webhooks, huge and malformed bodies, invalid
/// ingest tokens, malformed audio sockets, admin calls without the key, unknown rooms — while a real meeting runs
/// on the same silo. Each gets a clear refusal; the silo stays healthy and the meeting's transcript stays exact.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output) : RigTest(new RigOptions { LiveKitPace = 2.0 })
{
    private readonly HttpClient _http = new();
    private readonly Random _random = new(20_261_124);

    private TestSilo Silo => Rig.Silo;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Hundreds_of_bad_inputs_are_refused_clearly_while_a_meeting_goes_on_untouched()
    {
        var webhooks = Rig.Webhooks;
        string[] speakers = ["ann", "ben", "ann"];
        var meeting = new Meeting([.. speakers.Zip(ToneSpeech.RandomSentences(3, seed: 5))]);
        var room = new LiveKitRoom { Name = "calm", Sid = "RM_calm" };
        var tracks = await Rig.PublishAsync("calm", meeting.Tracks);

        var outcomes = new List<(string Case, int Status)>();
        outcomes.AddRange(await BadWebhooksAsync(webhooks, room));
        outcomes.AddRange(await BadIngestAsync());
        outcomes.AddRange(await BadAdminCallsAsync());
        outcomes.AddRange(await ProbesAsync());
        output.WriteLine($"{outcomes.Count} bad inputs: " + string.Join(", ", outcomes.GroupBy(o => o.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} × {g.Key}")));

        Assert.True(outcomes.Count >= 300, $"only {outcomes.Count} cases");
        Assert.All(outcomes, o => Assert.True(o.Status is >= 400 and < 500, $"{o.Case} answered {o.Status}"));
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(Silo.Url, "/healthz"))).StatusCode);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Rig.LiveKit.WaitForEgressesAsync(tracks, timeout.Token);
        var segments = await Silo.WaitForFinalsAsync("calm", meeting.Turns.Count, timeout.Token);
        Assert.Equal(meeting.Turns.Select(t => (t.Speaker, t.Sentence)), segments.Select(s => (s.Speaker, s.Text)));
        Assert.Empty(Rig.Vllm.Violations);
    }

    private async Task<List<(string, int)>> BadWebhooksAsync(LiveKitWebhookSender webhooks, LiveKitRoom room)
    {
        var results = new List<(string, int)>();
        var url = Silo.WebhookUrl;
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
            var status = (int)(await Silo.Admin.GetAsync(new Uri($"/api/rooms/forged-{i}", UriKind.Relative))).StatusCode;
            Assert.Equal(404, status);
        }

        return results;
    }

    private async Task<List<(string, int)>> BadIngestAsync()
    {
        var results = new List<(string, int)>();
        var tokens = Silo.Services.GetRequiredService<IngestToken>();
        var valid = tokens.Create(new IngestGrant("calm", "ann", "TR_ann", DateTimeOffset.UtcNow.AddMinutes(5)));
        var candidates = new List<(string Case, string Path, string? ContentType)>();
        for (var i = 0; i < 40; i++)
        {
            candidates.Add(("random token", $"TR_ann?token={Uri.EscapeDataString(RandomText(_random.Next(0, 120)))}", "audio/x-raw"));
        }

        for (var i = 0; i < 40; i++)
        {
            candidates.Add(("tampered token", $"TR_ann?token={Tamper(valid)}", "audio/x-raw"));
        }

        for (var i = 0; i < 10; i++)
        {
            var expired = tokens.Create(new IngestGrant("calm", "ann", "TR_ann", DateTimeOffset.UtcNow.AddSeconds(-_random.Next(1, 10_000))));
            candidates.Add(("expired token", $"TR_ann?token={expired}", "audio/x-raw"));
        }

        for (var i = 0; i < 10; i++)
        {
            candidates.Add(("token for another track", $"TR_ben?token={valid}", "audio/x-raw"));
        }

        for (var i = 0; i < 10; i++)
        {
            candidates.Add(("wrong content type", $"TR_ann?token={valid}", i % 2 == 0 ? "application/json" : null));
        }

        for (var i = 0; i < 10; i++)
        {
            var stranger = tokens.Create(new IngestGrant("calm", "nobody-" + i, "TR_x" + i, DateTimeOffset.UtcNow.AddMinutes(5)));
            candidates.Add(("track nobody publishes", $"TR_x{i}?token={stranger}", "audio/x-raw"));
        }

        foreach (var (name, path, contentType) in candidates)
        {
            using var socket = new ClientWebSocket();
            if (contentType is not null)
            {
                socket.Options.SetRequestHeader("Content-Type", contentType);
            }

            socket.Options.CollectHttpResponseDetails = true;
            var url = new Uri($"ws://{Silo.Url.Authority}/ingest/{path}");
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

        using var plain = await _http.GetAsync(new Uri(Silo.Url, $"/ingest/TR_ann?token={valid}"));
        results.Add(("ingest without upgrade", (int)plain.StatusCode));
        return results;
    }

    private async Task<List<(string, int)>> BadAdminCallsAsync()
    {
        var results = new List<(string, int)>();
        using var anonymous = new HttpClient { BaseAddress = Silo.Url };
        string[] paths = ["/api/rooms/calm", "/api/rooms/calm/transcript", "/api/rooms/calm/transcript?since=3", "/api/rooms/x/transcript"];
        for (var i = 0; i < 40; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(paths[i % paths.Length], UriKind.Relative));
            if (i % 3 == 1)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + RandomText(_random.Next(1, 40)));
            }

            if (i % 3 == 2)
            {
                request.Headers.TryAddWithoutValidation("Authorization", TestSilo.AdminKey);
            }

            results.Add(("admin without the key", (int)(await anonymous.SendAsync(request)).StatusCode));
        }

        for (var i = 0; i < 30; i++)
        {
            var name = Uri.EscapeDataString(RandomText(_random.Next(1, 30)));
            results.Add(("unknown room", (int)(await Silo.Admin.GetAsync(new Uri($"/api/rooms/{name}/transcript", UriKind.Relative))).StatusCode));
        }

        foreach (var since in new[] { "-1", "abc", "1e9", "%00", "99999999999999999999999" })
        {
            results.Add(("bad since", (int)(await Silo.Admin.GetAsync(new Uri($"/api/rooms/calm/transcript?since={since}", UriKind.Relative))).StatusCode));
        }

        return results;
    }

    /// <summary>What a security probe found open (#22): hostile room names and languages, credentials off their route, a viewer token reaching past its transcript, the speech endpoint without its key.</summary>
    private async Task<List<(string, int)>> ProbesAsync()
    {
        var results = new List<(string, int)>();
        string[] names = ["cr\rlf\nforged", "esc\u001b[2J", "nul\u0000", "tab\tname", new string('x', 257), new string('é', 129), new string('n', 7_900)];
        for (var i = 0; i < 20; i++)
        {
            names = [.. names, RandomText(_random.Next(1, 20)) + (char)_random.Next(0, 32) + RandomText(_random.Next(0, 20))];
        }

        foreach (var name in names)
        {
            var path = "/api/rooms/" + Uri.EscapeDataString(name);
            results.Add(("start of a bad room name", (int)(await Silo.Admin.PutAsync(new Uri(path + "/transcription", UriKind.Relative), null)).StatusCode));
            results.Add(("viewer token of a bad room name", (int)(await Silo.Admin.PostAsync(new Uri(path + "/viewer-token", UriKind.Relative), null)).StatusCode));
            results.Add(("transcript of a bad room name", (int)(await Silo.Admin.GetAsync(new Uri(path + "/transcript", UriKind.Relative))).StatusCode));
        }

        foreach (var language in new[] { "\\ud800", "fr\\udc00", "\\u0000", "fr-\\u001b", "", "x", "fr_FR", new string('a', 40) })
        {
            using var body = new StringContent($"{{\"language\": \"{language}\"}}", Encoding.UTF8, "application/json");
            results.Add(("bad language", (int)(await Silo.Admin.PutAsync(new Uri("/api/rooms/calm-lang/transcription", UriKind.Relative), body)).StatusCode));
        }

        using var anonymous = new HttpClient { BaseAddress = Silo.Url };
        var key = Uri.EscapeDataString(TestSilo.AdminKey);
        foreach (var path in new[] { "/api/rooms/stream", "/api/rooms/calm/stream", "/api/endpoints/stream", "/api/rooms/calm/transcript", "/api/rooms" })
        {
            results.Add(("query credential off the stream route", (int)(await anonymous.GetAsync(new Uri($"{path}?access_token={key}", UriKind.Relative))).StatusCode));
        }

        var issued = await Silo.Admin.PostAsync(new Uri("/api/rooms/calm/viewer-token", UriKind.Relative), null);
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var viewer = new HttpClient { BaseAddress = Silo.Url };
        viewer.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        foreach (var path in new[] { "/api/rooms/calm", "/api/rooms", "/api/endpoints", "/api/cluster", "/api/rooms/other/transcript" })
        {
            results.Add(("viewer token past its transcript", (int)(await viewer.GetAsync(new Uri(path, UriKind.Relative))).StatusCode));
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
