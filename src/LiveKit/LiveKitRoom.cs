using System.Text.Json;

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

    internal static LiveKitRoom FromProtoJson(JsonElement json) => new()
    {
        Sid = json.GetString("sid"),
        Name = json.GetString("name"),
        Metadata = json.GetString("metadata"),
        NumParticipants = json.GetInt32("num_participants"),
        NumPublishers = json.GetInt32("num_publishers"),
        CreationTime = json.GetInt64("creation_time"),
        ActiveRecording = json.GetBool("active_recording"),
    };
}
