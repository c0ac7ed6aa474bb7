namespace Scribe;

/// <summary>What the room's agent connection (a service on the room's silo) tells its room grain, through a call to itself.</summary>
[GenerateSerializer, Alias("scribe.agent-report")]
public enum AgentReport
{
    Joined = 0,
    JoinFailed = 1,
    Reconnecting = 2,
    Reconnected = 3,

    /// <summary>Out of the room: connection lost for good, or the media process died.</summary>
    Lost = 4,

    /// <summary>Out of the room: it closed at LiveKit.</summary>
    RoomClosed = 5,

    /// <summary>Out of the room: removed by the server.</summary>
    Removed = 6,

    /// <summary>No participant the agent transcribes is left in the room.</summary>
    NobodyLeft = 7,

    /// <summary>The leave the room asked for is done (the streams drained first when asked).</summary>
    LeaveDone = 8,
}
