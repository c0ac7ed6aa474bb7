namespace Scribe.Agent;

/// <summary>What happened to the room's agent connection; <see cref="AgentLifecycle.Apply"/> decides what follows.</summary>
public abstract record AgentEvent
{
    private AgentEvent()
    {
    }

    /// <summary>The room is active, transcribed, and has someone to transcribe: the agent should be in it.</summary>
    public sealed record Needed : AgentEvent;

    public sealed record JoinSucceeded : AgentEvent;

    public sealed record JoinFailed(string Reason) : AgentEvent;

    public sealed record Reconnecting : AgentEvent;

    public sealed record Reconnected : AgentEvent;

    /// <summary>The media side reports the agent out of the room (asked or not).</summary>
    public sealed record Left(AgentLeftReason Why, string Reason) : AgentEvent;

    /// <summary>No participant the agent transcribes is left in the room.</summary>
    public sealed record NobodyLeft : AgentEvent;

    /// <summary>Transcription was stopped (OnRequest's DELETE): finish what is in flight, then leave.</summary>
    public sealed record TranscriptionStopped : AgentEvent;

    public sealed record RoomFinished : AgentEvent;

    /// <summary>room_started after the room had finished: a new session of the same room name.</summary>
    public sealed record RoomStarted : AgentEvent;

    /// <summary>The drained leave asked for by a <see cref="AgentAction.Leave"/> is done.</summary>
    public sealed record LeaveDone : AgentEvent;
}

public enum AgentAction
{
    None = 0,

    /// <summary>Join after <see cref="AgentDecision.Delay"/>.</summary>
    Join = 1,

    /// <summary>Leave; with <see cref="AgentDecision.Drain"/>, once the room's streams have delivered what is in flight.</summary>
    Leave = 2,
}

/// <summary>The room grain's orders after one transition.</summary>
public sealed record AgentDecision(AgentAction Action, TimeSpan Delay = default, bool Drain = false)
{
    public static AgentDecision Nothing { get; } = new(AgentAction.None);
}
