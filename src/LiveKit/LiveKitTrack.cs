using Proto = LiveKit.Proto;

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

    internal static LiveKitTrack FromProto(Proto.TrackInfo track) => new()
    {
        Sid = track.Sid,
        Type = ProtoJson.Known<TrackType>((int)track.Type),
        Source = ProtoJson.Known<TrackSource>((int)track.Source),
        Name = track.Name,
        Muted = track.Muted,
        MimeType = track.MimeType,
#pragma warning disable CS0612 // Deprecated in favour of audio_features; servers and clients may still send either.
        Stereo = track.Stereo || track.AudioFeatures.Contains(Proto.AudioTrackFeature.TfStereo),
#pragma warning restore CS0612
    };
}
