using System.Net;
using System.Net.Http.Headers;

namespace Scribe.Tests.Access;

/// <summary>Scopes, named keys and viewer tokens, through the real HTTP routes of a real silo.</summary>
public sealed class ApiAccessTests() : RigTest(new RigOptions
{
    FakeVllm = false,
    LiveKitPace = null,
    Settings = new Dictionary<string, string?>
    {
        ["Api:Keys:0:Name"] = "reader",
        ["Api:Keys:0:Key"] = ReaderKey,
        ["Api:Keys:0:Scopes"] = "transcripts:read",
        ["Api:Keys:1:Name"] = "ops",
        ["Api:Keys:1:Key"] = OpsKey,
        ["Api:Keys:1:Scopes"] = "cluster, endpoints",
        ["Api:Keys:2:Name"] = "meeting-app",
        ["Api:Keys:2:Key"] = AppKey,
        ["Api:Keys:2:Scopes"] = "transcription transcripts:delete",
    },
})
{
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private const string OpsKey = "ops-key-0123456789abcdef";
    private const string AppKey = "app-key-0123456789abcdef";

    private IGrainFactory Grains => Rig.Grains;

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
        var grain = Grains.GetGrain<IRoomGrain>(room);
        await grain.StartAsync();
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 1, "hello from " + room));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_unknown_or_missing_key_is_401_and_a_key_without_the_scope_is_403()
    {
        await StartRoomAsync("scoped");
        using var anonymous = Client(null);
        using var stranger = Client("not-a-key-of-this-cluster-0123");
        using var reader = Client(ReaderKey);
        using var ops = Client(OpsKey);

        await AssertProblemAsync(await anonymous.GetAsync(new Uri("/api/rooms", UriKind.Relative)), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await stranger.GetAsync(new Uri("/api/rooms", UriKind.Relative)), HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/rooms", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/rooms/scoped/transcript?format=vtt", UriKind.Relative))).StatusCode);
        await AssertProblemAsync(await reader.GetAsync(new Uri("/api/cluster", UriKind.Relative)), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await reader.GetAsync(new Uri("/api/notifications", UriKind.Relative)), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await reader.DeleteAsync(new Uri("/api/rooms/scoped/transcript", UriKind.Relative)), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await reader.PostAsync(new Uri("/api/rooms/scoped/viewer-token", UriKind.Relative), null), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync(new Uri("/api/cluster", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync(new Uri("/api/endpoints", UriKind.Relative))).StatusCode);
        await AssertProblemAsync(await ops.GetAsync(new Uri("/api/rooms", UriKind.Relative)), HttpStatusCode.Forbidden);

        // The admin key keeps every scope.
        Assert.Equal(HttpStatusCode.OK, (await Rig.Silo.Admin.GetAsync(new Uri("/api/cluster", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Rig.Silo.Admin.GetAsync(new Uri("/api/rooms", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Me_names_the_key_and_its_scopes()
    {
        using var reader = Client(ReaderKey);
        using var ops = Client(OpsKey);

        var me = await reader.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("reader", me.GetProperty("name").GetString());
        Assert.Equal(["transcripts:read"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        me = await ops.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("ops", me.GetProperty("name").GetString());
        Assert.Equal(["endpoints", "cluster"], me.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        me = await Rig.Silo.Admin.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal("admin", me.GetProperty("name").GetString());
        Assert.Equal(5, me.GetProperty("scopes").GetArrayLength());
    }

    [Fact]
    public async Task A_viewer_token_reads_its_room_and_nothing_else()
    {
        await StartRoomAsync("viewed");
        await StartRoomAsync("private");
        using var app = Client(AppKey);
        var issued = await app.PostAsync(new Uri("/api/rooms/viewed/viewer-token", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        var expiresAt = body.GetProperty("expiresAt").GetDateTimeOffset();
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));

        using var viewer = Client(token);
        var transcript = await viewer.GetFromJsonAsync<JsonElement>("/api/rooms/viewed/transcript");
        Assert.Contains("hello from viewed", transcript.GetProperty("segments")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(new Uri("/api/rooms/viewed/transcript?format=srt", UriKind.Relative))).StatusCode);

        await AssertProblemAsync(await viewer.GetAsync(new Uri("/api/rooms/private/transcript", UriKind.Relative)), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await viewer.GetAsync(new Uri("/api/rooms", UriKind.Relative)), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await viewer.DeleteAsync(new Uri("/api/rooms/viewed/transcript", UriKind.Relative)), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await viewer.PostAsync(new Uri("/api/rooms/viewed/viewer-token", UriKind.Relative), null), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await viewer.GetAsync(new Uri("/api/cluster", UriKind.Relative)), HttpStatusCode.Forbidden);

        // The stream takes the token in the query, for a browser's EventSource; only for its room.
        using var anonymous = Client(null);
        using (var stream = await anonymous.GetAsync(new Uri($"/api/rooms/viewed/transcript/stream?access_token={Uri.EscapeDataString(token)}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        }

        using (var other = await anonymous.GetAsync(new Uri($"/api/rooms/private/transcript/stream?access_token={Uri.EscapeDataString(token)}", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead))
        {
            await AssertProblemAsync(other, HttpStatusCode.Forbidden);
        }

        // Outside a stream the query carries no credential.
        await AssertProblemAsync(await anonymous.GetAsync(new Uri($"/api/rooms/viewed/transcript?access_token={Uri.EscapeDataString(token)}", UriKind.Relative)), HttpStatusCode.Unauthorized);

        // A token altered by one character is no token.
        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        using var forger = Client(tampered);
        await AssertProblemAsync(await forger.GetAsync(new Uri("/api/rooms/viewed/transcript", UriKind.Relative)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Erasing_a_finished_room_makes_its_transcript_routes_404()
    {
        await StartRoomAsync("erased");
        using var app = Client(AppKey);
        using var reader = Client(ReaderKey);

        await AssertProblemAsync(await app.DeleteAsync(new Uri("/api/rooms/erased/transcript", UriKind.Relative)), HttpStatusCode.Conflict);

        await Grains.GetGrain<IRoomGrain>("erased").FinishAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await app.DeleteAsync(new Uri("/api/rooms/erased/transcript", UriKind.Relative))).StatusCode);

        await AssertProblemAsync(await reader.GetAsync(new Uri("/api/rooms/erased/transcript", UriKind.Relative)), HttpStatusCode.NotFound);
        await AssertProblemAsync(await reader.GetAsync(new Uri("/api/rooms/erased", UriKind.Relative)), HttpStatusCode.NotFound);
        var rooms = await reader.GetFromJsonAsync<JsonElement>("/api/rooms");
        Assert.DoesNotContain(rooms.GetProperty("rooms").EnumerateArray(), r => r.GetProperty("name").GetString() == "erased");
        await AssertProblemAsync(await app.DeleteAsync(new Uri("/api/rooms/erased/transcript", UriKind.Relative)), HttpStatusCode.NotFound);
    }
}
