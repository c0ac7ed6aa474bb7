using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Scribe.Tests.Access;

/// <summary>
/// What a security probe of a running silo found open (issue #22), each kept closed: a viewer token held to its
/// transcript, room names checked as LiveKit checks them, no 500 on a bad language, query credentials on the stream
/// route only, transcripts never cached, CORS for the read routes of configured origins, the Orleans Dashboard's
/// headers, and a secure cookie behind a TLS proxy.
/// </summary>
public sealed class SecurityProbeTests() : RigTest(new RigOptions
{
    FakeVllm = false,
    LiveKitPace = null,
    Settings = new Dictionary<string, string?>
    {
        ["Api:AllowedOrigins:0"] = MeetingOrigin,
        ["Proxy:ForwardedHeaders"] = "true",
    },
})
{
    private const string MeetingOrigin = "https://meet.example";

    private HttpClient Admin => Rig.Silo.Admin;

    private HttpClient Client(string? bearer)
    {
        var client = new HttpClient { BaseAddress = Rig.Silo.Url };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private async Task StartRoomAsync(string room)
    {
        var grain = Rig.Grains.GetGrain<IRoomGrain>(room);
        await grain.StartAsync();
        await grain.ParticipantJoinedAsync(new ParticipantInfo("alice", "Alice", "PA_alice"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 1, "hello from " + room));
    }

    private async Task<string> ViewerTokenAsync(string room)
    {
        using var issued = await Admin.PostAsync(new Uri($"/api/rooms/{room}/viewer-token", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        return (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_viewer_token_reads_the_transcript_its_stream_and_the_status_but_not_the_room_details()
    {
        await StartRoomAsync("a");
        using var viewer = Client(await ViewerTokenAsync("a"));

        await AssertProblemAsync(await viewer.GetAsync(new Uri("/api/rooms/a", UriKind.Relative)), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await viewer.PutAsync(new Uri("/api/rooms/a/transcription", UriKind.Relative), null), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await viewer.DeleteAsync(new Uri("/api/rooms/a/transcription", UriKind.Relative)), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(new Uri("/api/rooms/a/transcript", UriKind.Relative))).StatusCode);
        var status = await viewer.GetFromJsonAsync<JsonElement>("/api/rooms/a/transcription");
        Assert.Equal("a", status.GetProperty("room").GetString());
        using var stream = await viewer.GetAsync(new Uri("/api/rooms/a/transcript/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);

        // The details stay readable with a key holding transcripts:read.
        var details = await Admin.GetFromJsonAsync<JsonElement>("/api/rooms/a");
        Assert.Equal(["alice"], details.GetProperty("speakers").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(1, details.GetProperty("speakerStatus").GetArrayLength());
    }

    public static TheoryData<string> BadRoomNames => new()
    {
        "line\r\nINFO forged entry",
        "line\nbreak",
        "escape\u001b[31mred",
        "del\u007f",
        new string('x', 257),
        new string('é', 129), // 258 bytes of UTF-8
        new string('x', 7_900),
    };

    [Theory]
    [MemberData(nameof(BadRoomNames))]
    public async Task A_room_name_livekit_would_refuse_is_a_400_on_every_route(string name)
    {
        var path = "/api/rooms/" + Uri.EscapeDataString(name);
        await AssertProblemAsync(await Admin.PutAsync(new Uri(path + "/transcription", UriKind.Relative), null), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await Admin.PostAsync(new Uri(path + "/viewer-token", UriKind.Relative), null), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await Admin.GetAsync(new Uri(path + "/transcript", UriKind.Relative)), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await Admin.GetAsync(new Uri(path, UriKind.Relative)), HttpStatusCode.BadRequest);

        var rooms = await Admin.GetFromJsonAsync<JsonElement>("/api/rooms");
        Assert.Equal(0, rooms.GetProperty("rooms").GetArrayLength());
    }

    [Fact]
    public async Task A_webhook_for_a_room_name_the_api_refuses_is_acknowledged_and_ignored()
    {
        // LiveKit lets control characters through in room names; such a room would split our log lines and no API
        // route could address it.
        var forged = Rig.Webhooks.Build("room_started", new LiveKitRoom { Name = "forged\r\nINFO a line of ours", Sid = "RM_forged" });
        Assert.Equal(200, (await Rig.Webhooks.SendAsync(Rig.Silo.WebhookUrl, forged, CancellationToken.None)).HttpStatus);
        var fine = Rig.Webhooks.Build("room_started", new LiveKitRoom { Name = "fine", Sid = "RM_fine" });
        Assert.Equal(200, (await Rig.Webhooks.SendAsync(Rig.Silo.WebhookUrl, fine, CancellationToken.None)).HttpStatus);

        await Eventually.HoldsAsync(async () => (await Admin.GetAsync(new Uri("/api/rooms/fine", UriKind.Relative))).IsSuccessStatusCode, "the fine room is known");
        var rooms = await Admin.GetFromJsonAsync<JsonElement>("/api/rooms");
        Assert.Equal(["fine"], rooms.GetProperty("rooms").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_room_name_of_256_bytes_with_spaces_and_accents_is_accepted()
    {
        var name = "Réunion d'équipe " + new string('x', 256 - Encoding.UTF8.GetByteCount("Réunion d'équipe "));
        Assert.Equal(256, Encoding.UTF8.GetByteCount(name));
        var path = "/api/rooms/" + Uri.EscapeDataString(name);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PutAsync(new Uri(path + "/transcription", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostAsync(new Uri(path + "/viewer-token", UriKind.Relative), null)).StatusCode);
    }

    [Theory]
    [InlineData("{\"language\": \"\\ud800\"}")]
    [InlineData("{\"language\": \"fr\\udc00\"}")]
    [InlineData("{\"language\": \"\\u0000\"}")]
    public async Task A_language_that_is_no_text_is_a_400_not_a_500(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        await AssertProblemAsync(await Admin.PutAsync(new Uri("/api/rooms/lang/transcription", UriKind.Relative), content), HttpStatusCode.BadRequest);

        byte[] invalidUtf8 = [.. "{\"language\": \"f"u8, 0xFF, 0xFE, .. "\"}"u8];
        using var bytes = new ByteArrayContent(invalidUtf8);
        bytes.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await AssertProblemAsync(await Admin.PutAsync(new Uri("/api/rooms/lang/transcription", UriKind.Relative), bytes), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_query_credential_opens_the_stream_route_only_not_any_path_ending_in_stream()
    {
        await StartRoomAsync("streamed");
        using var anonymous = Client(null);
        var key = Uri.EscapeDataString(TestSilo.AdminKey);

        // /api/rooms/stream is the room named "stream", not a stream: the query carries no credential there.
        await AssertProblemAsync(await anonymous.GetAsync(new Uri($"/api/rooms/stream?access_token={key}", UriKind.Relative)), HttpStatusCode.Unauthorized);
        using var stream = await anonymous.GetAsync(new Uri($"/api/rooms/streamed/transcript/stream?access_token={key}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
    }

    [Fact]
    public async Task Transcripts_are_never_stored_by_a_cache()
    {
        await StartRoomAsync("private");
        foreach (var path in new[] { "/api/rooms/private/transcript", "/api/rooms/private/transcript?format=vtt", "/api/rooms/private/transcript?format=text", "/api/rooms/private/transcript/stream" })
        {
            using var response = await Admin.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path} answered Cache-Control: {response.Headers.CacheControl}");
        }
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string origin, string method)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri(path, UriKind.Relative));
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var anonymous = Client(null);
        return await anonymous.SendAsync(request);
    }

    private static string? AllowedOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;

    [Fact]
    public async Task A_configured_origin_may_call_the_read_routes_of_a_viewer_and_nothing_else()
    {
        await StartRoomAsync("meet");
        foreach (var path in new[] { "/api/rooms/meet/transcript", "/api/rooms/meet/transcript/stream", "/api/rooms/meet/transcription" })
        {
            using var preflight = await PreflightAsync(path, MeetingOrigin, "GET");
            Assert.True(preflight.IsSuccessStatusCode, $"{path}: {preflight.StatusCode}");
            Assert.Equal(MeetingOrigin, AllowedOrigin(preflight));
            Assert.Contains("authorization", string.Join(',', preflight.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);

            using var stranger = await PreflightAsync(path, "https://evil.example", "GET");
            Assert.Null(AllowedOrigin(stranger));
        }

        using var read = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/rooms/meet/transcript", UriKind.Relative));
        read.Headers.Add("Origin", MeetingOrigin);
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ViewerTokenAsync("meet"));
        using var anonymous = Client(null);
        using var answer = await anonymous.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(MeetingOrigin, AllowedOrigin(answer));

        // Writes, deletes and the room list stay same-origin.
        using var start = await PreflightAsync("/api/rooms/meet/transcription", MeetingOrigin, "PUT");
        Assert.Null(AllowedOrigin(start));
        using var erase = await PreflightAsync("/api/rooms/meet/transcript", MeetingOrigin, "DELETE");
        Assert.Null(AllowedOrigin(erase));
        using var list = await PreflightAsync("/api/rooms", MeetingOrigin, "GET");
        Assert.Null(AllowedOrigin(list));
    }

    [Fact]
    public async Task The_orleans_dashboard_answers_with_the_security_headers_of_ours()
    {
        using var anonymous = Client(null);
        foreach (var client in new[] { anonymous, Admin })
        {
            using var response = await client.GetAsync(new Uri("/orleans/", UriKind.Relative));
            Assert.Equal(client == Admin ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Behind_a_tls_proxy_the_dashboard_cookie_is_secure()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/dashboard/session", UriKind.Relative));
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var behindProxy = await Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, behindProxy.StatusCode);
        var cookie = behindProxy.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);

        using var direct = await Admin.PostAsync(new Uri("/dashboard/session", UriKind.Relative), null);
        Assert.DoesNotContain("secure", direct.Headers.GetValues("Set-Cookie").Single(), StringComparison.OrdinalIgnoreCase);
    }
}
