namespace Scribe.Agent;

/// <summary>
/// Where the room's agent connection stands on the silo that hosts the room. Not persisted: a connection dies with
/// its activation, and whether one is wanted follows from the room's persisted state (active, transcribed, speakers
/// seen), so a new activation starts <see cref="Idle"/> and joins again when it is wanted.
/// </summary>
public enum AgentPhase
{
    /// <summary>Not in the room and not joining.</summary>
    Idle = 0,

    /// <summary>A join is in flight or owed (after <see cref="AgentConnection.NotBefore"/>).</summary>
    Joining = 1,

    Joined = 2,

    /// <summary>The SDK lost the SFU and is resuming; tracks may pause.</summary>
    Reconnecting = 3,

    /// <summary>Letting the streams deliver what is in flight, then leaving.</summary>
    Leaving = 4,

    /// <summary>The room finished: the agent never joins it again (a new room_started reopens it).</summary>
    Closed = 5,
}

/// <summary>The room's agent connection: its phase and the join attempts since it last was in.</summary>
public sealed class AgentConnection
{
    public AgentPhase Phase { get; set; }

    /// <summary>Failed joins and unasked leaves in a row: the next join backs off by them.</summary>
    public int Attempts { get; set; }

    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Wanted again while leaving: join once the leave is done.</summary>
    public bool RejoinAfterLeave { get; set; }
}
