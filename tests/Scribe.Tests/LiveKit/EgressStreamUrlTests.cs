using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Scribe.Tests.LiveKit;

/// <summary>
/// LiveKit reports the URL an egress dials, ingest token included, in the stream results of every
/// <c>EgressInfo</c> (StartTrackEgress reply, ListEgress, <c>egress_*</c> webhooks). That token must never reach
/// our logs, our stored state or our API.
/// </summary>
public sealed class EgressStreamUrlTests
{
    private const string Token = "ingest-token-that-must-stay-secret";

    [Fact]
    public void Parsed_egress_info_keeps_neither_the_stream_url_nor_an_unredacted_websocket_url()
    {
        var url = $"wss://silo-1:8080/ingest/PA_1?token={Token}";
        var sender = new LiveKitWebhookSender(new HttpClient(), "key", "secret");

        // Worst case: a server that also echoes the request's websocket_url unredacted.
        var egress = new EgressInfo { EgressId = "EG_1", RoomName = "standup", Status = EgressStatus.Active, TrackId = "TR_1", WebsocketUrl = url };
        var body = sender.Build("egress_updated", egress: egress, egressStreamUrl: url).ToJsonString();
        Assert.Contains(Token, body, StringComparison.Ordinal);

        var parsed = WebhookReceiver.Parse(Encoding.UTF8.GetBytes(body)).EgressInfo!;

        Assert.Equal("EG_1", parsed.EgressId);
        Assert.DoesNotContain(Token, JsonSerializer.Serialize(parsed), StringComparison.Ordinal);
        Assert.Equal("wss://silo-1:8080/ingest/PA_1?token={...}", parsed.WebsocketUrl);

        // The same EgressInfo as a Twirp reply (StartTrackEgress, StopEgress, ListEgress items), snake_case.
        var reply = LiveKitProtoJson.Egress(egress, ProtoJsonStyle.TwirpResponse, url).ToJsonString();
        Assert.Contains(Token, reply, StringComparison.Ordinal);
        var fromReply = EgressInfo.FromProto(ProtoJson.Parse<global::LiveKit.Proto.EgressInfo>(reply));
        Assert.Equal("EG_1", fromReply.EgressId);
        Assert.DoesNotContain(Token, JsonSerializer.Serialize(fromReply), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ingest_token_in_egress_stream_results_reaches_no_log_and_no_api_response()
    {
        // Logging as a deployed silo has it: Information and up, with the silo's own filters.
        var logs = new LogCapture();
        await using var harness = await LiveKitRoomHarness.StartAsync(services: s => s.AddLogging(b => b
            .SetMinimumLevel(LogLevel.Information)
            .AddProvider(logs)));
        harness.LiveKit.SendWebhooks(harness.Webhooks, () => harness.WebhookUrl);

        var (_, _, track) = await harness.PublishAsync("vault", "alice", LiveKitRoomHarness.Silence(2000), LiveKitRoomHarness.QuietAndOpen);
        var egress = await harness.WaitForActiveEgressAsync(track.Sid);

        // The ingest URL our silo asked egress to dial, and its credential.
        var start = harness.LiveKit.Requests.First(r => r.Method == "StartTrackEgress");
        var dialled = new Uri(JsonNode.Parse(start.Body)!["websocket_url"]!.GetValue<string>());
        var secrets = dialled.Query.TrimStart('?').Split('&').Select(pair => pair.Split('=', 2)[^1]).Where(v => v.Length >= 16).ToList();
        Assert.NotEmpty(secrets);

        // The fake LiveKit reports it whole, as LiveKit does: in ListEgress (and the StartTrackEgress reply and webhooks).
        var listed = await ListEgressAsync(harness.LiveKit.Url, "vault");
        Assert.All(secrets, secret => Assert.Contains(secret, listed, StringComparison.Ordinal));

        // One more webhook through the real HTTP route, carrying the tokenised URL in its stream results.
        var delivery = await harness.Webhooks.EgressUpdatedAsync(harness.WebhookUrl, egress, CancellationToken.None, dialled.AbsoluteUri);
        Assert.Equal(200, delivery.HttpStatus);

        // The silo ran egress housekeeping that lists egresses, and reports the room: none of it may carry the token.
        var responses = new List<string>();
        foreach (var path in new[] { "/api/rooms/vault", "/api/rooms" })
        {
            var response = await harness.Silo.Admin.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
            responses.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("alice", responses[0], StringComparison.Ordinal);
        Assert.NotEmpty(logs.Entries);
        foreach (var secret in secrets)
        {
            Assert.All(responses, body => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
            var leaked = logs.Entries.Where(entry => entry.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaked.Count == 0, "the ingest token was logged:\n" + string.Join('\n', leaked));
        }
    }

    private static async Task<string> ListEgressAsync(Uri liveKit, string room)
    {
        using var http = new HttpClient();
        var token = new AccessToken(TestSilo.LiveKitKey, TestSilo.LiveKitSecret) { Grant = new VideoGrant { RoomRecord = true } }.ToJwt();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(liveKit, "/twirp/livekit.Egress/ListEgress"))
        {
            Content = new StringContent(new JsonObject { ["room_name"] = room }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        return await response.Content.ReadAsStringAsync();
    }
}
