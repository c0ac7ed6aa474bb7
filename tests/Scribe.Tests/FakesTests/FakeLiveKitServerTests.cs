using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Scribe.Fakes.LiveKit;

/// <summary>The fake LiveKit's Twirp surface: LiveKit's auth, grants, errors and answers, through our clients and raw.</summary>
public sealed class FakeLiveKitServerTests : IAsyncLifetime
{
    private const string Key = "APIfake";
    private const string Secret = "fake-secret";

    private FakeLiveKitServer _liveKit = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _liveKit = await FakeLiveKitServer.StartAsync(Key, Secret, pace: 0);
        _liveKit.AddParticipant("standup", "alice", "Alice");
        _liveKit.AddParticipant("standup", "scribe-agent", "Scribe", ParticipantKind.Agent);
        _liveKit.AddAudioTrack("standup", "alice", "TR_alice", new byte[19_200]);
        _liveKit.AddParticipant("retro", "bob", "Bob");
    }

    public async Task DisposeAsync()
    {
        await _liveKit.DisposeAsync();
        _http.Dispose();
    }

    private LiveKitOptions Options(string? secret = null, string? scheme = null) => new()
    {
        Url = scheme is null ? _liveKit.Url.AbsoluteUri : scheme + "://" + _liveKit.Url.Authority,
        ApiKey = Key,
        ApiSecret = secret ?? Secret,
    };

    private async Task<(HttpStatusCode Status, string ContentType, string Body)> PostAsync(string route, string json, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_liveKit.Url, "twirp/" + route))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await _http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "", await response.Content.ReadAsStringAsync());
    }

    private static string Bearer(VideoGrant grant, string secret = Secret, TimeSpan? ttl = null, DateTimeOffset? now = null) =>
        "Bearer " + new AccessToken(Key, secret) { Grant = grant, Ttl = ttl ?? TimeSpan.FromMinutes(5) }.ToJwt(now ?? DateTimeOffset.UtcNow);

    private static void AssertTwirpError((HttpStatusCode Status, string ContentType, string Body) reply, HttpStatusCode status, string code, string message)
    {
        Assert.Equal(status, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        using var json = JsonDocument.Parse(reply.Body);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetString());
        Assert.Equal(message, json.RootElement.GetProperty("msg").GetString());
    }

    [Fact]
    public async Task Egress_calls_need_room_record()
    {
        var body = """{"room_name":"standup","track_id":"TR_alice","websocket_url":"ws://127.0.0.1:9/ingest/x"}""";
        AssertTwirpError(await PostAsync("livekit.Egress/StartTrackEgress", body, Bearer(new VideoGrant { RoomAdmin = true, Room = "standup", RoomList = true })),
            HttpStatusCode.Unauthorized, "unauthenticated", "permissions denied");
        AssertTwirpError(await PostAsync("livekit.Egress/ListEgress", "{}", Bearer(new VideoGrant { RoomList = true, RoomAdmin = true, Room = "standup" })),
            HttpStatusCode.Unauthorized, "unauthenticated", "permissions denied");
        AssertTwirpError(await PostAsync("livekit.Egress/StopEgress", """{"egress_id":"EG_x"}""", null),
            HttpStatusCode.Unauthorized, "unauthenticated", "permissions denied");
        Assert.Empty(_liveKit.Egresses);
    }

    [Fact]
    public async Task Room_admin_must_name_the_room_of_the_request()
    {
        AssertTwirpError(await PostAsync("livekit.RoomService/ListParticipants", """{"room":"standup"}""", Bearer(new VideoGrant { RoomAdmin = true, Room = "retro" })),
            HttpStatusCode.Unauthorized, "unauthenticated", "permissions denied");
        AssertTwirpError(await PostAsync("livekit.RoomService/SendData", """{"room":"standup","data":"aGk="}""", Bearer(new VideoGrant { RoomAdmin = true })),
            HttpStatusCode.Unauthorized, "unauthenticated", "permissions denied");
        AssertTwirpError(await PostAsync("livekit.RoomService/ListRooms", "{}", Bearer(new VideoGrant { RoomAdmin = true, Room = "standup" })),
            HttpStatusCode.Unauthorized, "unauthenticated", "permissions denied");
        Assert.Empty(_liveKit.SentData);
    }

    [Fact]
    public async Task Bad_credentials_get_livekits_plain_text_401_which_our_client_maps_to_unauthenticated()
    {
        var wrongSecret = await PostAsync("livekit.RoomService/ListRooms", "{}", Bearer(new VideoGrant { RoomList = true }, secret: "nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.Status);
        Assert.Equal("text/plain", wrongSecret.ContentType);

        var expired = await PostAsync("livekit.RoomService/ListRooms", "{}", Bearer(new VideoGrant { RoomList = true }, ttl: TimeSpan.FromMinutes(1), now: DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.Status);
        Assert.Contains("expired", expired.Body, StringComparison.Ordinal);

        var noScheme = await PostAsync("livekit.RoomService/ListRooms", "{}", Bearer(new VideoGrant { RoomList = true })["Bearer ".Length..]);
        Assert.Equal(HttpStatusCode.Unauthorized, noScheme.Status);

        var client = new RoomServiceClient(_http, Options(secret: "nope"));
        var ex = await Assert.ThrowsAsync<TwirpException>(() => client.ListRoomsAsync(null, CancellationToken.None));
        Assert.Equal("unauthenticated", ex.Code);
        Assert.Equal(401, ex.HttpStatus);
    }

    [Fact]
    public async Task Start_track_egress_checks_its_request_like_livekit()
    {
        var egress = new EgressClient(_http, Options());
        var missingRoom = await Assert.ThrowsAsync<TwirpException>(() => egress.StartTrackEgressAsync("nowhere", "TR_alice", new Uri("ws://127.0.0.1:9/x"), CancellationToken.None));
        Assert.Equal(("not_found", 404), (missingRoom.Code, missingRoom.HttpStatus));
        Assert.Equal("requested room does not exist", missingRoom.ServerMessage);

        var trackElsewhere = await Assert.ThrowsAsync<TwirpException>(() => egress.StartTrackEgressAsync("retro", "TR_alice", new Uri("ws://127.0.0.1:9/x"), CancellationToken.None));
        Assert.Equal("not_found", trackElsewhere.Code);
        Assert.Equal("track is not found", trackElsewhere.ServerMessage);

        var record = Bearer(new VideoGrant { RoomRecord = true });
        AssertTwirpError(await PostAsync("livekit.Egress/StartTrackEgress", """{"room_name":"standup","track_id":"TR_alice","websocket_url":"https://127.0.0.1:9/x"}""", record),
            HttpStatusCode.BadRequest, "invalid_argument", "websocket_url must be a ws:// or wss:// URL");
        AssertTwirpError(await PostAsync("livekit.Egress/StartTrackEgress", """{"track_id":"TR_alice","websocket_url":"ws://127.0.0.1:9/x"}""", record),
            HttpStatusCode.BadRequest, "invalid_argument", "no room name");
        AssertTwirpError(await PostAsync("livekit.Egress/StartTrackEgress", "not json", record),
            HttpStatusCode.BadRequest, "malformed", "the json request could not be decoded");

        var unknown = await Assert.ThrowsAsync<TwirpException>(() => egress.StopEgressAsync("EG_missing", CancellationToken.None));
        Assert.Equal(("not_found", "egress does not exist"), (unknown.Code, unknown.ServerMessage));
        Assert.Empty(_liveKit.Egresses);
    }

    [Fact]
    public async Task Camel_case_requests_are_accepted_like_protobuf_json_allows()
    {
        var reply = await PostAsync("livekit.Egress/StartTrackEgress", """{"roomName":"standup","trackId":"TR_alice","websocketUrl":"ws://127.0.0.1:9/x?token=t"}""", Bearer(new VideoGrant { RoomRecord = true }));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        using var json = JsonDocument.Parse(reply.Body);
        // LiveKit answers in snake_case with defaults present, 64-bit integers as strings.
        Assert.Equal("EGRESS_STARTING", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("0", json.RootElement.GetProperty("ended_at").GetString());
        Assert.Equal("", json.RootElement.GetProperty("error").GetString());
        Assert.Equal("ws://127.0.0.1:9/x?token={...}", json.RootElement.GetProperty("track").GetProperty("websocket_url").GetString());
    }

    [Fact]
    public async Task Unknown_routes_are_twirp_bad_routes()
    {
        AssertTwirpError(await PostAsync("livekit.RoomService/DeleteRoom", """{"room":"standup"}""", Bearer(new VideoGrant { RoomCreate = true })),
            HttpStatusCode.NotFound, "bad_route", "no handler for path \"/twirp/livekit.RoomService/DeleteRoom\"");
    }

    [Fact]
    public async Task Room_service_lists_rooms_and_participants_and_records_sent_data()
    {
        var rooms = new RoomServiceClient(_http, Options(scheme: "ws"));

        var all = await rooms.ListRoomsAsync(null, CancellationToken.None);
        Assert.Equal(["retro", "standup"], all.Select(r => r.Name).Order());
        var standup = Assert.Single(await rooms.ListRoomsAsync(["standup"], CancellationToken.None));
        Assert.Equal(2, standup.NumParticipants);
        Assert.Equal(1, standup.NumPublishers);
        Assert.StartsWith("RM_", standup.Sid, StringComparison.Ordinal);

        var participants = await rooms.ListParticipantsAsync("standup", CancellationToken.None);
        var alice = Assert.Single(participants, p => p.Identity == "alice");
        Assert.Equal(ParticipantKind.Standard, alice.Kind);
        Assert.Equal(ParticipantState.Active, alice.State);
        var track = Assert.Single(alice.Tracks);
        Assert.Equal(("TR_alice", TrackType.Audio, TrackSource.Microphone), (track.Sid, track.Type, track.Source));
        Assert.Equal(ParticipantKind.Agent, Assert.Single(participants, p => p.Identity == "scribe-agent").Kind);

        await rooms.SendDataAsync("standup", "{\"text\":\"hello\"}"u8.ToArray(), DataPacketKind.Reliable, ["alice"], "scribe.transcript", CancellationToken.None);
        await rooms.SendDataAsync("standup", new byte[] { 1, 2, 3 }, DataPacketKind.Lossy, null, null, CancellationToken.None);

        var sent = _liveKit.SentData;
        Assert.Equal(2, sent.Count);
        Assert.Equal("{\"text\":\"hello\"}", Encoding.UTF8.GetString(sent[0].Data));
        Assert.Equal(DataPacketKind.Reliable, sent[0].Kind);
        Assert.Equal(["alice"], sent[0].DestinationIdentities);
        Assert.Equal("scribe.transcript", sent[0].Topic);
        Assert.Equal([1, 2, 3], sent[1].Data);
        Assert.Equal(DataPacketKind.Lossy, sent[1].Kind);
        Assert.Null(sent[1].Topic);
        Assert.Empty(sent[1].DestinationIdentities);

        var missing = await Assert.ThrowsAsync<TwirpException>(() => rooms.SendDataAsync("gone", new byte[] { 1 }, DataPacketKind.Reliable, null, null, CancellationToken.None));
        Assert.Equal("not_found", missing.Code);

        var requests = _liveKit.Requests;
        Assert.Contains(requests, r => r.Service == "livekit.RoomService" && r.Method == "SendData" && r.Status == 200 && r.Authorization!.StartsWith("Bearer ", StringComparison.Ordinal));
        Assert.Contains(requests, r => r.Method == "SendData" && r.Status == 404);
    }

    [Fact]
    public async Task Webhooks_from_the_sender_pass_our_receiver_behind_a_real_endpoint()
    {
        var receiver = new WebhookReceiver(Key, Secret);
        var seen = new List<WebhookEvent>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/livekit/webhook", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            try
            {
                var received = receiver.Receive(body.ToArray(), context.Request.Headers.Authorization);
                Assert.Equal("application/webhook+json", context.Request.ContentType);
                lock (seen)
                {
                    seen.Add(received);
                }

                return Results.Ok();
            }
            catch (WebhookRejectedException)
            {
                return Results.Unauthorized();
            }
        });
        await app.StartAsync();
        var url = new Uri(Loopback.AddressOf(app), "/livekit/webhook");

        var sender = new LiveKitWebhookSender(_http, Key, Secret);
        var room = _liveKit.GetRoom("standup");
        var alice = _liveKit.GetParticipant("standup", "alice");
        var mic = alice.Tracks[0];
        var deliveries = new List<WebhookDelivery>
        {
            await sender.RoomStartedAsync(url, room, CancellationToken.None),
            await sender.ParticipantJoinedAsync(url, room, alice, CancellationToken.None),
            await sender.TrackPublishedAsync(url, room, alice, mic, CancellationToken.None),
            await sender.EgressStartedAsync(url, new EgressInfo { EgressId = "EG_1", RoomName = "standup", TrackId = mic.Sid }, CancellationToken.None),
            await sender.EgressUpdatedAsync(url, new EgressInfo { EgressId = "EG_1", RoomName = "standup", Status = EgressStatus.Active, StartedAt = 1 }, CancellationToken.None),
            await sender.EgressEndedAsync(url, new EgressInfo { EgressId = "EG_1", RoomName = "standup", Status = EgressStatus.Complete, StartedAt = 1, EndedAt = 2 }, CancellationToken.None),
            await sender.TrackUnpublishedAsync(url, room, alice, mic, CancellationToken.None),
            await sender.ParticipantLeftAsync(url, room, alice, CancellationToken.None),
            await sender.RoomFinishedAsync(url, room, CancellationToken.None),
        };
        var retry = await sender.ResendAsync(url, deliveries[2], CancellationToken.None);
        var forged = await sender.PostAsync(url, Encoding.UTF8.GetBytes("{\"event\":\"room_finished\"}"), deliveries[0].Authorization, CancellationToken.None);
        var unsigned = await sender.PostAsync(url, deliveries[0].Body, null, CancellationToken.None);

        Assert.All(deliveries, d => Assert.Equal(200, d.HttpStatus));
        Assert.Equal(200, retry.HttpStatus);
        Assert.Equal(401, forged.HttpStatus);
        Assert.Equal(401, unsigned.HttpStatus);
        Assert.Equal(
            ["room_started", "participant_joined", "track_published", "egress_started", "egress_updated", "egress_ended", "track_unpublished", "participant_left", "room_finished", "track_published"],
            seen.Select(e => e.Event));
        Assert.Equal(deliveries.Count, seen.Select(e => e.Id).Distinct().Count());
        Assert.Equal(seen[2].Id, seen[^1].Id);
        Assert.Equal(EgressStatus.Starting, seen[3].EgressInfo!.Status);
        Assert.Equal(EgressStatus.Complete, seen[5].EgressInfo!.Status);
        Assert.Equal((TrackType.Audio, TrackSource.Microphone), (seen[2].Track!.Type, seen[2].Track!.Source));
        Assert.Equal(ParticipantState.Disconnected, seen[7].Participant!.State);
        Assert.DoesNotContain("Bearer", deliveries[0].Authorization, StringComparison.Ordinal);
    }
}
