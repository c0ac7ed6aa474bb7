using System.Text.Json.Nodes;
using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>LiveKit's messages as the server writes them, built from our records.</summary>
public static class LiveKitProtoJson
{
    public static JsonObject Room(LiveKitRoom room, ProtoJsonStyle style) => new ProtoJsonObject(style)
        .String("sid", room.Sid)
        .String("name", room.Name)
        .Int32("empty_timeout", 300)
        .Int32("departure_timeout", 20)
        .Int32("max_participants", 0)
        .Int64("creation_time", room.CreationTime)
        .Int64("creation_time_ms", room.CreationTime * 1000)
        .String("turn_password", "")
        .List("enabled_codecs", [])
        .String("metadata", room.Metadata)
        .Int32("num_participants", room.NumParticipants)
        .Int32("num_publishers", room.NumPublishers)
        .Bool("active_recording", room.ActiveRecording)
        .Message("version", null)
        .Json;

    public static JsonObject Participant(LiveKitParticipant participant, ProtoJsonStyle style) => new ProtoJsonObject(style)
        .String("sid", participant.Sid)
        .String("identity", participant.Identity)
        .Enum("state", Upper(participant.State.ToString()), participant.State == ParticipantState.Joining)
        .List("tracks", participant.Tracks.Select(t => (JsonNode?)Track(t, style)))
        .String("metadata", participant.Metadata)
        .Int64("joined_at", participant.JoinedAt)
        .Int64("joined_at_ms", participant.JoinedAt * 1000)
        .String("name", participant.Name)
        .Int32("version", 1)
        .Message("permission", null)
        .String("region", "")
        .Bool("is_publisher", participant.Tracks.Count > 0)
        .Enum("kind", Upper(participant.Kind.ToString()), participant.Kind == ParticipantKind.Standard)
        .Map("attributes", participant.Attributes)
        .Enum("disconnect_reason", "UNKNOWN_REASON", isZero: true)
        .List("kind_details", [])
        .Json;

    public static JsonObject Track(LiveKitTrack track, ProtoJsonStyle style) => new ProtoJsonObject(style)
        .String("sid", track.Sid)
        .Enum("type", Upper(track.Type.ToString()), track.Type == TrackType.Audio)
        .String("name", track.Name)
        .Bool("muted", track.Muted)
        .Int32("width", 0)
        .Int32("height", 0)
        .Bool("simulcast", false)
        .Bool("disable_dtx", false)
        .Enum("source", Upper(track.Source.ToString()), track.Source == TrackSource.Unknown)
        .List("layers", [])
        .String("mime_type", track.MimeType)
        .String("mid", "")
        .List("codecs", [])
        .Bool("stereo", track.Stereo)
        .Bool("disable_red", false)
        .Enum("encryption", "NONE", isZero: true)
        .String("stream", "")
        .Message("version", null)
        .List("audio_features", [])
        .Json;

    /// <param name="streamUrl">
    /// The websocket URL the egress dials, token and all: LiveKit redacts it in <c>track.websocket_url</c> but
    /// reports it whole in <c>stream_results</c> (StartTrackEgress reply, ListEgress, <c>egress_*</c> webhooks).
    /// </param>
    public static JsonObject Egress(EgressInfo egress, ProtoJsonStyle style, string? streamUrl = null)
    {
        JsonObject? track = string.IsNullOrEmpty(egress.TrackId) && string.IsNullOrEmpty(egress.WebsocketUrl)
            ? null
            : new ProtoJsonObject(style)
                .String("room_name", egress.RoomName)
                .String("track_id", egress.TrackId)
                .String("websocket_url", egress.WebsocketUrl)
                .List("webhooks", [])
                .Json;
        return new ProtoJsonObject(style)
            .String("egress_id", egress.EgressId)
            .String("room_id", egress.RoomId)
            .String("room_name", egress.RoomName)
            .Enum("source_type", "EGRESS_SOURCE_TYPE_SDK", isZero: false)
            .Enum("status", "EGRESS_" + Upper(egress.Status.ToString()), egress.Status == EgressStatus.Starting)
            .Int64("started_at", egress.StartedAt)
            .Int64("ended_at", egress.EndedAt)
            .Int64("updated_at", egress.UpdatedAt)
            .Message("track", track)
            .List("stream_results", streamUrl is null ? [] : [StreamResult(egress, streamUrl, style)])
            .List("file_results", [])
            .List("segment_results", [])
            .List("image_results", [])
            .String("error", egress.Error)
            .Int32("error_code", 0)
            .String("details", "")
            .String("manifest_location", "")
            .Bool("backup_storage_used", false)
            .Int32("retry_count", 0)
            .Json;
    }

    private static JsonObject StreamResult(EgressInfo egress, string url, ProtoJsonStyle style)
    {
        var (status, isZero) = egress.Status switch
        {
            EgressStatus.Complete => ("FINISHED", false),
            EgressStatus.Failed or EgressStatus.Aborted or EgressStatus.LimitReached => ("FAILED", false),
            _ => ("ACTIVE", true),
        };
        return new ProtoJsonObject(style)
            .String("url", url)
            .Int64("started_at", egress.StartedAt)
            .Int64("ended_at", egress.EndedAt)
            .Int64("duration", egress.EndedAt > egress.StartedAt && egress.StartedAt > 0 ? egress.EndedAt - egress.StartedAt : 0)
            .Enum("status", status, isZero)
            .String("error", egress.Error)
            .Int64("last_retry_at", 0)
            .Int32("retries", 0)
            .Json;
    }

    /// <summary>ScreenShareAudio → SCREEN_SHARE_AUDIO, the protobuf name.</summary>
    public static string Upper(string pascalName)
    {
        var builder = new System.Text.StringBuilder(pascalName.Length + 4);
        for (var i = 0; i < pascalName.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascalName[i]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(pascalName[i]));
        }

        return builder.ToString();
    }
}
