using Proto = LiveKit.Proto;

namespace Scribe.LiveKit;

/// <summary>The parts of LiveKit's <c>Room</c> we use. <see cref="CreationTime"/> is unix seconds.</summary>
public sealed record LiveKitRoom
{
    public string Sid { get; init; } = "";
    public string Name { get; init; } = "";
    public string Metadata { get; init; } = "";
    public int NumParticipants { get; init; }
    public int NumPublishers { get; init; }
    public long CreationTime { get; init; }
    public bool ActiveRecording { get; init; }

    internal static LiveKitRoom FromProto(Proto.Room room) => new()
    {
        Sid = room.Sid,
        Name = room.Name,
        Metadata = room.Metadata,
        NumParticipants = (int)Math.Min(room.NumParticipants, int.MaxValue),
        NumPublishers = (int)Math.Min(room.NumPublishers, int.MaxValue),
        CreationTime = room.CreationTime,
        ActiveRecording = room.ActiveRecording,
    };
}
