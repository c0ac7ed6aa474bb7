using System.Text.Json;

namespace Scribe.LiveKit;

/// <summary>The parts of LiveKit's <c>TrackInfo</c> we use.</summary>
public sealed record LiveKitTrack
{
    public string Sid { get; init; } = "";
    public TrackType Type { get; init; }
    public TrackSource Source { get; init; }
    public string Name { get; init; } = "";
    public bool Muted { get; init; }
    public string MimeType { get; init; } = "";
    public bool Stereo { get; init; }

    internal static LiveKitTrack FromProtoJson(JsonElement json) => new()
    {
        Sid = json.GetString("sid"),
        Type = json.GetEnum<TrackType>("type"),
        Source = json.GetEnum<TrackSource>("source"),
        Name = json.GetString("name"),
        Muted = json.GetBool("muted"),
        MimeType = json.GetString("mime_type"),
        Stereo = json.GetBool("stereo"),
    };
}
