using System.Text.Json.Nodes;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// One entry of the stand-in's event log (<c>GET /_standin/events</c>): <c>room_started</c>,
/// <c>participant_joined</c>/<c>_left</c>/<c>_dropped</c>/<c>_resumed</c>, <c>track_published</c>/<c>_unpublished</c>,
/// <c>utterance_played</c> (with the wall time of its first and last RTP packet), <c>room_finished</c>.
/// <see cref="Raw"/> keeps every field.
/// </summary>
public sealed record StandInEvent(
    DateTimeOffset At,
    string Event,
    string Room,
    string RoomSid,
    string? Identity,
    string? ParticipantSid,
    string? Kind,
    bool Hidden,
    string? TrackSid,
    JsonObject Raw)
{
    /// <summary>For <c>utterance_played</c>: when the utterance's last packet was sent (its last voiced sample).</summary>
    public DateTimeOffset? LastPacketAt => Raw["lastPacketAtMs"] is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms.GetValue<long>()) : null;

    /// <summary>For <c>utterance_played</c>: the Ogg Opus file played.</summary>
    public string? File => Raw["file"]?.GetValue<string>();

    public static StandInEvent From(JsonObject node)
    {
        var participant = node["participant"]?.AsObject();
        return new StandInEvent(
            DateTimeOffset.Parse(node["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            node["event"]!.GetValue<string>(),
            node["room"]?.GetValue<string>() ?? string.Empty,
            node["roomSid"]?.GetValue<string>() ?? string.Empty,
            participant?["identity"]?.GetValue<string>(),
            participant?["sid"]?.GetValue<string>(),
            participant?["kind"]?.GetValue<string>(),
            participant?["hidden"]?.GetValue<bool>() ?? false,
            node["track"]?["sid"]?.GetValue<string>(),
            node);
    }
}
