using System.Text.Json;

namespace Scribe.LiveKit;

/// <summary>The parts of LiveKit's <c>ParticipantInfo</c> we use. <see cref="JoinedAt"/> is unix seconds.</summary>
public sealed record LiveKitParticipant
{
    public string Sid { get; init; } = "";
    public string Identity { get; init; } = "";
    public string Name { get; init; } = "";
    public ParticipantState State { get; init; }
    public string Metadata { get; init; } = "";
    public long JoinedAt { get; init; }
    public ParticipantKind Kind { get; init; }
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Published tracks, as the room service lists them (webhooks usually leave them out).</summary>
    public IReadOnlyList<LiveKitTrack> Tracks { get; init; } = [];

    internal static LiveKitParticipant FromProtoJson(JsonElement json) => new()
    {
        Sid = json.GetString("sid"),
        Identity = json.GetString("identity"),
        Name = json.GetString("name"),
        State = json.GetEnum<ParticipantState>("state"),
        Metadata = json.GetString("metadata"),
        JoinedAt = json.GetInt64("joined_at"),
        Kind = json.GetEnum<ParticipantKind>("kind"),
        Attributes = json.GetStringMap("attributes"),
        Tracks = json.GetList("tracks", LiveKitTrack.FromProtoJson),
    };
}
