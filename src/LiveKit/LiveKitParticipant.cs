using Proto = LiveKit.Proto;

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

    internal static LiveKitParticipant FromProto(Proto.ParticipantInfo participant) => new()
    {
        Sid = participant.Sid,
        Identity = participant.Identity,
        Name = participant.Name,
        State = ProtoJson.Known<ParticipantState>((int)participant.State),
        Metadata = participant.Metadata,
        JoinedAt = participant.JoinedAt,
        Kind = ProtoJson.Known<ParticipantKind>((int)participant.Kind),
        Attributes = new Dictionary<string, string>(participant.Attributes, StringComparer.Ordinal),
        Tracks = [.. participant.Tracks.Select(LiveKitTrack.FromProto)],
    };
}
