namespace Scribe.LiveKit;

/// <summary>LiveKit's TrackType; an audio track arrives without a type field. Values keep LiveKit's protobuf numbers.</summary>
public enum TrackType
{
    Audio = 0,
    Video = 1,
    Data = 2,
}
