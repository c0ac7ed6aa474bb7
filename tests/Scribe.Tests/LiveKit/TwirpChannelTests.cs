using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Scribe.Tests.LiveKit;

/// <summary>Twirp framing and error mapping, against a canned HTTP answer.</summary>
public sealed class TwirpChannelTests
{
    private static readonly LiveKitOptions Options = new() { Url = "ws://livekit.test:7880", ApiKey = "APIk", ApiSecret = "s" };

    private sealed class CannedHandler(HttpStatusCode status, string body, string contentType) : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }
        public string? RequestBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            RequestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        }
    }

    [Theory]
    [InlineData("ws://lk:7880", "http://lk:7880/")]
    [InlineData("wss://lk.example.com", "https://lk.example.com/")]
    [InlineData("https://lk.example.com/", "https://lk.example.com/")]
    [InlineData("http://127.0.0.1:1234/base", "http://127.0.0.1:1234/base/")]
    public void LiveKit_urls_given_as_websockets_map_to_http(string url, string expected)
    {
        Assert.Equal(expected, TwirpChannel.ToHttpBase(url).AbsoluteUri);
    }

    [Fact]
    public async Task A_call_posts_snake_case_json_with_a_short_lived_bearer_token_carrying_the_grant()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, """{"egressId":"EG_1","roomName":"r","status":"EGRESS_ACTIVE","startedAt":"12"}""", "application/json");
        var client = new EgressClient(new HttpClient(handler), Options);

        var info = await client.StartTrackEgressAsync("r", "TR_1", new Uri("wss://ingest.example/ingest/p1?token=abc"), CancellationToken.None);

        // camelCase answers read as well as LiveKit's snake_case ones.
        Assert.Equal(new EgressInfo { EgressId = "EG_1", RoomName = "r", Status = EgressStatus.Active, StartedAt = 12 }, info);
        Assert.Equal(HttpMethod.Post, handler.Request!.Method);
        Assert.Equal("http://livekit.test:7880/twirp/livekit.Egress/StartTrackEgress", handler.Request.RequestUri!.AbsoluteUri);
        Assert.Equal("application/json", handler.Request.Content!.Headers.ContentType!.MediaType);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"room_name":"r","track_id":"TR_1","websocket_url":"wss://ingest.example/ingest/p1?token=abc"}"""),
            JsonNode.Parse(handler.RequestBody!)), handler.RequestBody);
        Assert.Equal("Bearer", handler.Request.Headers.Authorization!.Scheme);
        var claims = new AccessTokenVerifier("APIk", "s").Verify(handler.Request.Headers.Authorization.Parameter!);
        Assert.Equal(new VideoGrant { RoomRecord = true }, claims.Video);
        Assert.InRange(claims.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(6));
    }

    [Fact]
    public async Task A_twirp_error_becomes_a_twirp_exception_with_its_code()
    {
        var handler = new CannedHandler(HttpStatusCode.NotFound, """{"code":"not_found","msg":"egress does not exist"}""", "application/json");
        var client = new EgressClient(new HttpClient(handler), Options);

        var ex = await Assert.ThrowsAsync<TwirpException>(() => client.StopEgressAsync("EG_x", CancellationToken.None));
        Assert.Equal("not_found", ex.Code);
        Assert.Equal(404, ex.HttpStatus);
        Assert.Equal("egress does not exist", ex.ServerMessage);
        Assert.Contains("Egress/StopEgress", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(401, "invalid token: expired", "unauthenticated")]
    [InlineData(403, "<html>forbidden</html>", "permission_denied")]
    [InlineData(502, "bad gateway", "unavailable")]
    [InlineData(500, "", "unknown")]
    [InlineData(404, "404 page not found", "bad_route")]
    public async Task A_non_twirp_error_falls_back_to_the_http_status(int status, string body, string code)
    {
        var handler = new CannedHandler((HttpStatusCode)status, body, "text/plain");
        var client = new RoomServiceClient(new HttpClient(handler), Options);

        var ex = await Assert.ThrowsAsync<TwirpException>(() => client.ListRoomsAsync(null, CancellationToken.None));
        Assert.Equal(code, ex.Code);
        Assert.Equal(status, ex.HttpStatus);
        Assert.Equal(body, ex.ServerMessage);
    }

    [Fact]
    public async Task Send_data_carries_base64_data_kind_destinations_topic_and_a_nonce()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "{}", "application/json");
        var client = new RoomServiceClient(new HttpClient(handler), Options);

        await client.SendDataAsync("standup", "hi"u8.ToArray(), DataPacketKind.Lossy, ["alice"], "scribe.transcript", CancellationToken.None);

        using var sent = System.Text.Json.JsonDocument.Parse(handler.RequestBody!);
        var root = sent.RootElement;
        Assert.Equal("standup", root.GetProperty("room").GetString());
        Assert.Equal("aGk=", root.GetProperty("data").GetString());
        Assert.Equal("LOSSY", root.GetProperty("kind").GetString());
        Assert.Equal("alice", root.GetProperty("destination_identities")[0].GetString());
        Assert.Equal("scribe.transcript", root.GetProperty("topic").GetString());
        Assert.Equal(16, Convert.FromBase64String(root.GetProperty("nonce").GetString()!).Length);
        var claims = new AccessTokenVerifier("APIk", "s").Verify(handler.Request!.Headers.Authorization!.Parameter!);
        Assert.Equal(new VideoGrant { RoomAdmin = true, Room = "standup" }, claims.Video);

        // Protobuf JSON leaves zero values out: RELIABLE is DataPacket.Kind's zero, as no topic is an unset optional.
        await client.SendDataAsync("standup", "hi"u8.ToArray(), DataPacketKind.Reliable, null, null, CancellationToken.None);
        using var reliable = System.Text.Json.JsonDocument.Parse(handler.RequestBody!);
        Assert.False(reliable.RootElement.TryGetProperty("kind", out _));
        Assert.False(reliable.RootElement.TryGetProperty("topic", out _));
    }

    [Fact]
    public async Task An_answer_from_a_newer_server_with_unknown_fields_and_enum_names_still_reads()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, """
            {"items":[
              {"egress_id":"EG_1","room_name":"r","status":"EGRESS_FROM_THE_FUTURE","a_new_field":{"x":[1,"y"]},
               "source_type":"EGRESS_SOURCE_TYPE_NEW","track":{"track_id":"TR_1","websocket_url":"wss://h/i?token={...}","new_output":true}},
              {"egress_id":"EG_2","status":"EGRESS_ACTIVE","stream_results":[{"url":"wss://h/j","status":"STREAM_STATUS_NEW"}]}],
             "next_page_token":null,"another_new_field":7}
            """, "application/json");
        var client = new EgressClient(new HttpClient(handler), Options);

        var items = await client.ListEgressAsync("r", null, activeOnly: true, CancellationToken.None);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"room_name":"r","active":true}"""), JsonNode.Parse(handler.RequestBody!)), handler.RequestBody);
        Assert.Equal(2, items.Count);
        Assert.Equal(new EgressInfo { EgressId = "EG_1", RoomName = "r", Status = EgressStatus.Starting, TrackId = "TR_1", WebsocketUrl = "wss://h/i?token={...}" }, items[0]);
        Assert.Equal(EgressStatus.Active, items[1].Status);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"items":"not a list"}""")]
    public async Task An_answer_that_is_not_the_methods_message_is_malformed(string body)
    {
        var handler = new CannedHandler(HttpStatusCode.OK, body, "application/json");
        var client = new EgressClient(new HttpClient(handler), Options);

        var ex = await Assert.ThrowsAsync<TwirpException>(() => client.ListEgressAsync(null, null, activeOnly: false, CancellationToken.None));

        Assert.Equal("malformed", ex.Code);
    }

    [Fact]
    public async Task Track_egress_refuses_a_non_websocket_url_before_calling()
    {
        var handler = new CannedHandler(HttpStatusCode.OK, "{}", "application/json");
        var client = new EgressClient(new HttpClient(handler), Options);
        await Assert.ThrowsAsync<ArgumentException>(() => client.StartTrackEgressAsync("r", "TR_1", new Uri("https://x/ingest"), CancellationToken.None));
        Assert.Null(handler.Request);
    }
}
