using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scribe.Fakes.LiveKit;
using Scribe.LiveKit;

namespace Scribe.Tests.LiveKit;

/// <summary>Our tokens and webhook signatures against the official JavaScript livekit-server-sdk.</summary>
public sealed class LiveKitInteropTests
{
    private const string Key = "APIinterop";
    private const string Secret = "interop-secret-with-some-length-0123456789";

    [Fact]
    public async Task A_token_minted_by_the_js_sdk_verifies_with_ours()
    {
        var answer = await NodeInterop.RunAsync("make-token", new JsonObject
        {
            ["apiKey"] = Key,
            ["apiSecret"] = Secret,
            ["identity"] = "alice",
            ["name"] = "Alice",
            ["ttlSeconds"] = 600,
            ["metadata"] = "{\"seat\":3}",
            ["attributes"] = new JsonObject { ["role"] = "host" },
            ["grant"] = new JsonObject { ["roomJoin"] = true, ["room"] = "standup", ["canPublish"] = false, ["agent"] = true },
        });

        var claims = new AccessTokenVerifier(Key, Secret).Verify(answer["token"]!.GetValue<string>());

        Assert.Equal(Key, claims.Issuer);
        Assert.Equal("alice", claims.Identity);
        Assert.Equal("Alice", claims.Name);
        Assert.Equal("{\"seat\":3}", claims.Metadata);
        Assert.Equal("host", claims.Attributes["role"]);
        Assert.Equal(new VideoGrant { RoomJoin = true, Room = "standup", CanPublish = false, Agent = true }, claims.Video);
        Assert.InRange(claims.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task A_js_sdk_token_signed_with_another_secret_is_refused_by_ours()
    {
        var answer = await NodeInterop.RunAsync("make-token", new JsonObject
        {
            ["apiKey"] = Key,
            ["apiSecret"] = "not-the-secret",
            ["identity"] = "mallory",
            ["grant"] = new JsonObject { ["roomAdmin"] = true },
        });

        var ex = Assert.Throws<AccessTokenRejectedException>(() => new AccessTokenVerifier(Key, Secret).Verify(answer["token"]!.GetValue<string>()));
        Assert.Equal(AccessTokenRejection.BadSignature, ex.Reason);
    }

    [Fact]
    public async Task Our_token_verifies_with_the_js_sdk_and_carries_the_same_claims()
    {
        var token = new AccessToken(Key, Secret)
        {
            Identity = "scribe-agent",
            Name = "Scribe",
            Ttl = TimeSpan.FromMinutes(10),
            Metadata = "transcriber",
            Attributes = new Dictionary<string, string> { ["lk.agent"] = "scribe" },
            Grant = new VideoGrant { RoomJoin = true, Room = "standup", CanSubscribe = true, CanPublishData = true, Hidden = true, Agent = true },
        }.ToJwt();

        var answer = await NodeInterop.RunAsync("verify-token", new JsonObject { ["apiKey"] = Key, ["apiSecret"] = Secret, ["token"] = token });

        var claims = answer["claims"]!.AsObject();
        Assert.Equal(Key, claims["iss"]!.GetValue<string>());
        Assert.Equal("scribe-agent", claims["sub"]!.GetValue<string>());
        Assert.Equal("Scribe", claims["name"]!.GetValue<string>());
        Assert.Equal("transcriber", claims["metadata"]!.GetValue<string>());
        Assert.Equal("scribe", claims["attributes"]!["lk.agent"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"roomJoin":true,"room":"standup","canSubscribe":true,"canPublishData":true,"hidden":true,"agent":true}"""),
            claims["video"]));
        Assert.Equal(600, claims["exp"]!.GetValue<long>() - claims["nbf"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_js_sdk_refuses_our_token_when_its_secret_differs()
    {
        var token = new AccessToken(Key, Secret) { Identity = "x", Grant = new VideoGrant { RoomList = true } }.ToJwt();

        var ex = await Assert.ThrowsAsync<NodeInteropException>(() =>
            NodeInterop.RunAsync("verify-token", new JsonObject { ["apiKey"] = Key, ["apiSecret"] = "other", ["token"] = token }));
        Assert.Contains("signature", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_webhook_signed_the_way_livekit_signs_is_accepted_by_our_receiver()
    {
        var body = """{"event":"track_published","room":{"sid":"RM_1","name":"standup","creationTime":"1764000000"},"participant":{"sid":"PA_1","identity":"alice","state":"ACTIVE","joinedAt":"1764000001"},"track":{"sid":"TR_1","source":"MICROPHONE","mimeType":"audio/opus"},"id":"EV_abc","createdAt":"1764000002"}""";
        var signed = await NodeInterop.RunAsync("sign-webhook", new JsonObject { ["apiKey"] = Key, ["apiSecret"] = Secret, ["body"] = body });

        var received = new WebhookReceiver(Key, Secret).Receive(Encoding.UTF8.GetBytes(body), signed["authorization"]!.GetValue<string>());

        Assert.Equal("track_published", received.Event);
        Assert.Equal("EV_abc", received.Id);
        Assert.Equal(1_764_000_002, received.CreatedAt);
        Assert.Equal(TrackType.Audio, received.Track!.Type);
        Assert.Equal(TrackSource.Microphone, received.Track.Source);
        Assert.Equal(ParticipantKind.Standard, received.Participant!.Kind);
    }

    [Fact]
    public async Task A_js_sdk_signed_webhook_is_accepted_within_a_minute_of_clock_skew_either_way()
    {
        var body = """{"event":"room_started","id":"EV_skew","room":{"name":"standup"}}""";
        var signed = await NodeInterop.RunAsync("sign-webhook", new JsonObject { ["apiKey"] = Key, ["apiSecret"] = Secret, ["body"] = body });
        var authorization = signed["authorization"]!.GetValue<string>();
        var claims = JwtPayload.Claims(authorization);
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(claims["nbf"]!.GetValue<long>());
        var expires = DateTimeOffset.FromUnixTimeSeconds(claims["exp"]!.GetValue<long>());
        var receiver = new WebhookReceiver(Key, Secret);
        var bytes = Encoding.UTF8.GetBytes(body);

        WebhookRejection? VerdictAt(DateTimeOffset now)
        {
            try
            {
                receiver.Receive(bytes, authorization, now);
                return null;
            }
            catch (WebhookRejectedException ex)
            {
                return ex.Reason;
            }
        }

        // Our clock behind LiveKit's (the token is not yet valid here), then ahead of it (already expired).
        Assert.Null(VerdictAt(notBefore - TimeSpan.FromSeconds(50)));
        Assert.Equal(WebhookRejection.Expired, VerdictAt(notBefore - TimeSpan.FromSeconds(70)));
        Assert.Null(VerdictAt(expires + TimeSpan.FromSeconds(50)));
        Assert.Equal(WebhookRejection.Expired, VerdictAt(expires + TimeSpan.FromSeconds(70)));
    }

    [Fact]
    public async Task A_livekit_signed_webhook_whose_body_was_altered_is_refused_by_our_receiver()
    {
        var body = """{"event":"room_started","id":"EV_1","room":{"name":"standup"}}""";
        var signed = await NodeInterop.RunAsync("sign-webhook", new JsonObject { ["apiKey"] = Key, ["apiSecret"] = Secret, ["body"] = body });

        var ex = Assert.Throws<WebhookRejectedException>(() => new WebhookReceiver(Key, Secret)
            .Receive(Encoding.UTF8.GetBytes(body.Replace("standup", "standup2", StringComparison.Ordinal)), signed["authorization"]!.GetValue<string>()));
        Assert.Equal(WebhookRejection.ChecksumMismatch, ex.Reason);
    }

    [Fact]
    public async Task Our_webhook_signature_and_body_are_accepted_by_the_js_sdk_receiver()
    {
        var sender = new LiveKitWebhookSender(new HttpClient(), Key, Secret);
        var webhook = sender.Build(
            "track_published",
            room: new LiveKitRoom { Sid = "RM_1", Name = "standup", CreationTime = 1_764_000_000, NumParticipants = 2 },
            participant: new LiveKitParticipant { Sid = "PA_1", Identity = "alice", Name = "Alice", State = ParticipantState.Active, Kind = ParticipantKind.Standard, JoinedAt = 1_764_000_001 },
            track: LiveKitWebhookSender.MicrophoneTrack("TR_1", "mic"));
        var body = webhook.ToJsonString();

        var answer = await NodeInterop.RunAsync("receive-webhook", new JsonObject
        {
            ["apiKey"] = Key,
            ["apiSecret"] = Secret,
            ["body"] = body,
            ["authorization"] = sender.Sign(Encoding.UTF8.GetBytes(body)),
        });

        // The SDK re-serialises the event as protobuf JSON; it must read to the same thing ours does.
        var event_ = answer["event"]!.AsObject();
        Assert.Equal("track_published", event_["event"]!.GetValue<string>());
        Assert.Equal("MICROPHONE", event_["track"]!["source"]!.GetValue<string>());
        Assert.Null(event_["track"]!["type"]);
        Assert.Null(event_["participant"]!["kind"]);
        Assert.Equal("1764000000", event_["room"]!["creationTime"]!.GetValue<string>());
        var ours = WebhookReceiver.Parse(Encoding.UTF8.GetBytes(event_.ToJsonString()));
        Assert.Equal(WebhookReceiver.Parse(Encoding.UTF8.GetBytes(body)), ours, new EventComparer());
    }

    [Fact]
    public async Task The_js_sdk_receiver_refuses_our_signature_over_a_different_body()
    {
        var sender = new LiveKitWebhookSender(new HttpClient(), Key, Secret);
        var signedBody = """{"event":"room_started","id":"EV_1"}""";
        var ex = await Assert.ThrowsAsync<NodeInteropException>(() => NodeInterop.RunAsync("receive-webhook", new JsonObject
        {
            ["apiKey"] = Key,
            ["apiSecret"] = Secret,
            ["body"] = """{"event":"room_finished","id":"EV_1"}""",
            ["authorization"] = sender.Sign(Encoding.UTF8.GetBytes(signedBody)),
        }));
        Assert.Contains("sha256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_checksum_is_base64_of_sha256_of_the_exact_bytes()
    {
        var body = "{\"event\":\"room_started\"}\n"u8.ToArray();
        var sender = new LiveKitWebhookSender(new HttpClient(), Key, Secret);
        var claims = new AccessTokenVerifier(Key, Secret).Verify(sender.Sign(body));
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(body)), claims.Sha256);
    }

    /// <summary>Compares events field by field, since records holding collections compare them by reference.</summary>
    private sealed class EventComparer : IEqualityComparer<WebhookEvent>
    {
        public bool Equals(WebhookEvent? x, WebhookEvent? y) =>
            x is not null && y is not null
            && x.Event == y.Event && x.Id == y.Id && x.CreatedAt == y.CreatedAt && x.NumDropped == y.NumDropped
            && x.Room == y.Room && x.Track == y.Track
            && x.Participant!.Identity == y.Participant!.Identity && x.Participant.Sid == y.Participant.Sid
            && x.Participant.Kind == y.Participant.Kind && x.Participant.State == y.Participant.State
            && x.Participant.JoinedAt == y.Participant.JoinedAt && x.Participant.Name == y.Participant.Name;

        public int GetHashCode(WebhookEvent obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
