using System.Text;
using Scribe.Fakes.LiveKit;
using Scribe.LiveKit;

namespace Scribe.Tests.LiveKit;

public sealed class WebhookReceiverTests
{
    private const string Key = "APIwebhook";
    private const string Secret = "webhook-secret";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_764_000_000);

    private static readonly LiveKitWebhookSender Sender = new(new HttpClient(), Key, Secret) { Clock = () => Now };
    private static readonly WebhookReceiver Receiver = new(Key, Secret);

    private static (byte[] Body, string Authorization) Signed(string eventName = "room_started")
    {
        var body = Encoding.UTF8.GetBytes(Sender.Build(eventName, room: new LiveKitRoom { Sid = "RM_1", Name = "standup", CreationTime = 1_763_999_000 }).ToJsonString());
        return (body, Sender.Sign(body));
    }

    private static WebhookRejection Rejection(ReadOnlySpan<byte> body, string? authorization, DateTimeOffset? at = null)
    {
        try
        {
            Receiver.Receive(body, authorization, at ?? Now);
        }
        catch (WebhookRejectedException ex)
        {
            Assert.StartsWith("webhook rejected: ", ex.Message, StringComparison.Ordinal);
            return ex.Reason;
        }

        throw new Xunit.Sdk.XunitException("the webhook was accepted");
    }

    [Fact]
    public void A_livekit_signed_webhook_is_accepted_and_parsed()
    {
        var (body, authorization) = Signed();
        var received = Receiver.Receive(body, authorization, Now);
        Assert.Equal("room_started", received.Event);
        Assert.StartsWith("EV_", received.Id, StringComparison.Ordinal);
        Assert.Equal(Now.ToUnixTimeSeconds(), received.CreatedAt);
        Assert.Equal("standup", received.Room!.Name);
        Assert.Equal(1_763_999_000, received.Room.CreationTime);
    }

    [Fact]
    public void A_bearer_prefix_is_tolerated()
    {
        var (body, authorization) = Signed();
        Assert.Equal("room_started", Receiver.Receive(body, "Bearer " + authorization, Now).Event);
    }

    [Fact]
    public void Keys_can_be_rotated_with_a_map_of_secrets()
    {
        var (body, authorization) = Signed();
        var receiver = new WebhookReceiver(new Dictionary<string, string> { ["old"] = "x", [Key] = Secret });
        Assert.Equal("room_started", receiver.Receive(body, authorization, Now).Event);
    }

    [Fact]
    public void A_tampered_body_is_refused()
    {
        var (body, authorization) = Signed();
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("standup", "standuq", StringComparison.Ordinal));
        Assert.Equal(WebhookRejection.ChecksumMismatch, Rejection(tampered, authorization));
        // Even a byte of whitespace changes the checksum.
        Assert.Equal(WebhookRejection.ChecksumMismatch, Rejection([.. body, (byte)' '], authorization));
    }

    [Fact]
    public void A_wrong_key_is_refused()
    {
        var (body, _) = Signed();
        var foreign = new LiveKitWebhookSender(new HttpClient(), "APIother", Secret) { Clock = () => Now }.Sign(body);
        Assert.Equal(WebhookRejection.UnknownKey, Rejection(body, foreign));
    }

    [Fact]
    public void A_wrong_secret_is_refused()
    {
        var (body, _) = Signed();
        var forged = new LiveKitWebhookSender(new HttpClient(), Key, "guessed") { Clock = () => Now }.Sign(body);
        Assert.Equal(WebhookRejection.BadSignature, Rejection(body, forged));
    }

    [Fact]
    public void An_expired_signature_is_refused()
    {
        var (body, authorization) = Signed();
        // LiveKit's minute of skew is allowed past the expiry, not a second more.
        Assert.Equal(WebhookRejection.Expired, Rejection(body, authorization, Now + LiveKitWebhookSender.TokenTtl + WebhookReceiver.ClockSkew + TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(70, false)]
    public void A_signature_from_a_clock_ahead_is_accepted_within_livekits_minute_of_skew(int aheadSeconds, bool accepted)
    {
        // LiveKit's clock runs ahead of ours: its token's nbf lies in our future.
        var ahead = new LiveKitWebhookSender(new HttpClient(), Key, Secret) { Clock = () => Now + TimeSpan.FromSeconds(aheadSeconds) };
        var body = Encoding.UTF8.GetBytes(ahead.Build("room_started").ToJsonString());
        AssertVerdict(accepted, WebhookRejection.Expired, body, ahead.Sign(body), Now);
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(70, false)]
    public void A_signature_past_its_expiry_is_accepted_within_livekits_minute_of_skew(int pastSeconds, bool accepted)
    {
        var (body, authorization) = Signed();
        AssertVerdict(accepted, WebhookRejection.Expired, body, authorization, Now + LiveKitWebhookSender.TokenTtl + TimeSpan.FromSeconds(pastSeconds));
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(70, false)]
    public void A_signature_issued_in_the_future_is_accepted_within_livekits_minute_of_skew(int aheadSeconds, bool accepted)
    {
        // A signer that also writes iat (LiveKit's Go SDK does): a future iat counts like a future nbf.
        var (body, authorization) = Signed();
        var issued = (Now + TimeSpan.FromSeconds(aheadSeconds)).ToUnixTimeSeconds();
        var token = JwtPayload.Resigned(authorization, Secret, c => c["iat"] = issued);
        AssertVerdict(accepted, WebhookRejection.Expired, body, token, Now);
    }

    private static void AssertVerdict(bool accepted, WebhookRejection refusal, byte[] body, string authorization, DateTimeOffset at)
    {
        if (accepted)
        {
            Assert.Equal("room_started", Receiver.Receive(body, authorization, at).Event);
        }
        else
        {
            Assert.Equal(refusal, Rejection(body, authorization, at));
        }
    }

    [Fact]
    public void A_token_without_a_checksum_is_refused()
    {
        var (body, _) = Signed();
        var noChecksum = new AccessToken(Key, Secret) { Ttl = TimeSpan.FromMinutes(5) }.ToJwt(Now);
        Assert.Equal(WebhookRejection.MissingChecksum, Rejection(body, noChecksum));
    }

    [Fact]
    public void A_missing_or_empty_header_is_refused()
    {
        var (body, _) = Signed();
        Assert.Equal(WebhookRejection.MissingHeader, Rejection(body, null));
        Assert.Equal(WebhookRejection.MissingHeader, Rejection(body, "  "));
        Assert.Equal(WebhookRejection.MissingHeader, Rejection(body, "Bearer "));
        Assert.Equal(WebhookRejection.MalformedToken, Rejection(body, "garbage"));
    }

    [Fact]
    public void A_checksum_changed_after_signing_breaks_the_signature()
    {
        var (body, authorization) = Signed();
        var rewritten = JwtPayload.WithClaims(authorization, c => c["sha256"] = "AAAA");
        Assert.Equal(WebhookRejection.BadSignature, Rejection(body, rewritten));
    }

    [Fact]
    public void A_correctly_signed_body_that_is_not_an_event_is_refused()
    {
        foreach (var text in new[] { "not json", "[1,2]", "{\"id\":\"EV_1\"}" })
        {
            var body = Encoding.UTF8.GetBytes(text);
            Assert.Equal(WebhookRejection.MalformedBody, Rejection(body, Sender.Sign(body)));
        }
    }

    [Fact]
    public void A_correctly_signed_body_with_invalid_utf8_in_a_string_is_refused_not_thrown()
    {
        var body = Encoding.UTF8.GetBytes("{\"event\":\"room_started\",\"id\":\"EV_X\"}");
        body[Array.IndexOf(body, (byte)'X')] = 0xB8; // a lone continuation byte inside the id string
        Assert.Equal(WebhookRejection.MalformedBody, Rejection(body, Sender.Sign(body)));
    }

    [Fact]
    public void The_sender_writes_livekit_protobuf_json()
    {
        var webhook = Sender.Build(
            "track_published",
            room: new LiveKitRoom { Sid = "RM_1", Name = "standup", CreationTime = 1_763_999_000 },
            participant: new LiveKitParticipant { Sid = "PA_1", Identity = "alice", State = ParticipantState.Active, JoinedAt = 1_763_999_001 },
            track: LiveKitWebhookSender.MicrophoneTrack("TR_1"));

        Assert.Equal("1763999000", webhook["room"]!["creationTime"]!.GetValue<string>());
        Assert.Equal("ACTIVE", webhook["participant"]!["state"]!.GetValue<string>());
        Assert.Null(webhook["participant"]!["kind"]);
        Assert.Null(webhook["track"]!["type"]);
        Assert.Equal("MICROPHONE", webhook["track"]!["source"]!.GetValue<string>());
        Assert.Null(webhook["numDropped"]);
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), webhook["createdAt"]!.GetValue<string>());
        Assert.NotEqual(Sender.Build("room_started")["id"]!.GetValue<string>(), Sender.Build("room_started")["id"]!.GetValue<string>());
    }
}
