namespace Scribe.LiveKit;

/// <summary>LiveKit's ParticipantInfo.State. Values keep LiveKit's protobuf numbers.</summary>
public enum ParticipantState
{
    Joining = 0,
    Joined = 1,
    Active = 2,
    Disconnected = 3,
}
