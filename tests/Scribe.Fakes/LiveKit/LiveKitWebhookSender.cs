using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// Posts webhooks the way the LiveKit server does: a <c>WebhookEvent</c> in protobuf JSON (lowerCamelCase,
/// zero values left out, 64-bit integers as strings, enums as names), <c>Content-Type: application/webhook+json</c>,
/// and <c>Authorization: &lt;jwt&gt;</c> (no scheme) signed with the API secret, whose <c>sha256</c> claim is
/// the base64 SHA-256 of the body.
/// </summary>
public sealed class LiveKitWebhookSender(HttpClient http, string apiKey, string apiSecret)
{
    /// <summary>LiveKit signs each delivery with a token valid for five minutes.</summary>
    public static readonly TimeSpan TokenTtl = TimeSpan.FromMinutes(5);

    private int _sequence;

    /// <summary>The clock the bodies and tokens are stamped with; tests move it to make stale deliveries.</summary>
    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;

    public Task<WebhookDelivery> RoomStartedAsync(Uri url, LiveKitRoom room, CancellationToken ct) =>
        SendAsync(url, Build("room_started", room: room), ct);

    public Task<WebhookDelivery> RoomFinishedAsync(Uri url, LiveKitRoom room, CancellationToken ct) =>
        SendAsync(url, Build("room_finished", room: room), ct);

    public Task<WebhookDelivery> ParticipantJoinedAsync(Uri url, LiveKitRoom room, LiveKitParticipant participant, CancellationToken ct) =>
        SendAsync(url, Build("participant_joined", room: room, participant: participant), ct);

    public Task<WebhookDelivery> ParticipantLeftAsync(Uri url, LiveKitRoom room, LiveKitParticipant participant, CancellationToken ct) =>
        SendAsync(url, Build("participant_left", room: room, participant: participant with { State = ParticipantState.Disconnected }), ct);

    public Task<WebhookDelivery> TrackPublishedAsync(Uri url, LiveKitRoom room, LiveKitParticipant participant, LiveKitTrack track, CancellationToken ct) =>
        SendAsync(url, Build("track_published", room: room, participant: participant, track: track), ct);

    public Task<WebhookDelivery> TrackUnpublishedAsync(Uri url, LiveKitRoom room, LiveKitParticipant participant, LiveKitTrack track, CancellationToken ct) =>
        SendAsync(url, Build("track_unpublished", room: room, participant: participant, track: track), ct);

    public Task<WebhookDelivery> EgressStartedAsync(Uri url, EgressInfo egress, CancellationToken ct, string? streamUrl = null) =>
        SendAsync(url, Build("egress_started", egress: egress, egressStreamUrl: streamUrl), ct);

    public Task<WebhookDelivery> EgressUpdatedAsync(Uri url, EgressInfo egress, CancellationToken ct, string? streamUrl = null) =>
        SendAsync(url, Build("egress_updated", egress: egress, egressStreamUrl: streamUrl), ct);

    public Task<WebhookDelivery> EgressEndedAsync(Uri url, EgressInfo egress, CancellationToken ct, string? streamUrl = null) =>
        SendAsync(url, Build("egress_ended", egress: egress, egressStreamUrl: streamUrl), ct);

    /// <summary>A microphone track as LiveKit describes it: no <c>type</c> in the JSON since AUDIO is zero.</summary>
    public static LiveKitTrack MicrophoneTrack(string trackSid, string name = "") => new()
    {
        Sid = trackSid,
        Type = TrackType.Audio,
        Source = TrackSource.Microphone,
        Name = name,
        MimeType = "audio/opus",
        Stereo = false,
    };

    /// <summary>The event JSON, with a fresh unique id and the current time, ready to sign.</summary>
    public JsonObject Build(
        string eventName,
        LiveKitRoom? room = null,
        LiveKitParticipant? participant = null,
        LiveKitTrack? track = null,
        EgressInfo? egress = null,
        int numDropped = 0,
        string? egressStreamUrl = null)
    {
        const ProtoJsonStyle style = ProtoJsonStyle.Webhook;
        var id = $"EV_{Guid.NewGuid():N}"[..15] + Interlocked.Increment(ref _sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Webhook participants do not list their tracks: the track travels on its own field.
        return new ProtoJsonObject(style)
            .String("event", eventName)
            .Message("room", room is null ? null : LiveKitProtoJson.Room(room, style))
            .Message("participant", participant is null ? null : LiveKitProtoJson.Participant(participant with { Tracks = [] }, style))
            .Message("egress_info", egress is null ? null : LiveKitProtoJson.Egress(egress, style, egressStreamUrl))
            .Message("track", track is null ? null : LiveKitProtoJson.Track(track, style))
            .String("id", id)
            .Int64("created_at", Clock().ToUnixTimeSeconds())
            .Int32("num_dropped", numDropped)
            .Json;
    }

    /// <summary>The Authorization header LiveKit would send with <paramref name="body"/>.</summary>
    public string Sign(ReadOnlySpan<byte> body) => new AccessToken(apiKey, apiSecret)
    {
        Ttl = TokenTtl,
        Sha256 = Convert.ToBase64String(SHA256.HashData(body)),
    }.ToJwt(Clock());

    public Task<WebhookDelivery> SendAsync(Uri url, JsonObject webhookEvent, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(webhookEvent.ToJsonString());
        return PostAsync(url, body, Sign(body), ct);
    }

    /// <summary>Posts exact bytes with exact headers: for retries of a delivery and for forged ones.</summary>
    public async Task<WebhookDelivery> PostAsync(Uri url, byte[] body, string? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/webhook+json");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        var (id, name) = ReadIdentity(body);
        return new WebhookDelivery(id, name, body, authorization ?? "", (int)response.StatusCode);
    }

    public Task<WebhookDelivery> ResendAsync(Uri url, WebhookDelivery delivery, CancellationToken ct) =>
        PostAsync(url, delivery.Body, delivery.Authorization, ct);

    private static (string Id, string Event) ReadIdentity(byte[] body)
    {
        try
        {
            var parsed = WebhookReceiver.Parse(body);
            return (parsed.Id, parsed.Event);
        }
        catch (WebhookRejectedException)
        {
            return ("", "");
        }
    }
}
