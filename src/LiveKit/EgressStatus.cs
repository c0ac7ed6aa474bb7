namespace Scribe.LiveKit;

/// <summary>LiveKit's EgressStatus (EGRESS_STARTING …); a starting egress arrives without a status field. Values keep LiveKit's protobuf numbers.</summary>
public enum EgressStatus
{
    Starting = 0,
    Active = 1,
    Ending = 2,
    Complete = 3,
    Failed = 4,
    Aborted = 5,
    LimitReached = 6,
}
