using static Scribe.Agent.AgentEvent;

namespace Scribe.Agent;

/// <summary>
/// The transitions of a room's agent connection, as pure logic: one method takes an event, changes the connection
/// record, and says what the room grain must do (join, leave). Rules: one join at a time; never a join after the room
/// finished; a lost connection while still wanted is a rejoin, backing off when it repeats.
/// </summary>
public static class AgentLifecycle
{
    /// <summary>The longest wait between rejoins.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    public static AgentDecision Apply(AgentConnection agent, AgentEvent happened, DateTimeOffset now) => (happened, agent.Phase) switch
    {
        (RoomStarted, AgentPhase.Closed) => To(agent, AgentPhase.Idle, AgentDecision.Nothing),
        (_, AgentPhase.Closed) when happened is JoinSucceeded => new(AgentAction.Leave),
        (_, AgentPhase.Closed) => AgentDecision.Nothing,
        (RoomFinished, AgentPhase.Idle) => To(agent, AgentPhase.Closed, AgentDecision.Nothing),
        (RoomFinished, _) => To(agent, AgentPhase.Closed, new(AgentAction.Leave, Drain: true)),
        (Needed, AgentPhase.Idle) => Join(agent, now, TimeSpan.Zero),
        (Needed, AgentPhase.Leaving) => Remember(agent),
        (JoinSucceeded, AgentPhase.Joining) => Joined(agent),
        (JoinSucceeded, AgentPhase.Idle) => new(AgentAction.Leave), // stopped while the join was in flight
        (JoinFailed, AgentPhase.Joining) => Join(agent, now, Backoff(++agent.Attempts)),
        (Reconnecting, AgentPhase.Joined) => To(agent, AgentPhase.Reconnecting, AgentDecision.Nothing),
        (Reconnected, AgentPhase.Reconnecting) => To(agent, AgentPhase.Joined, AgentDecision.Nothing),
        (Left { Why: AgentLeftReason.Lost }, AgentPhase.Joined or AgentPhase.Reconnecting) => Join(agent, now, Backoff(agent.Attempts++)),
        (Left, AgentPhase.Joined or AgentPhase.Reconnecting) => To(agent, AgentPhase.Idle, AgentDecision.Nothing), // closed or removed: not ours to reopen
        (Left, AgentPhase.Leaving) or (LeaveDone, AgentPhase.Leaving) => AfterLeave(agent, now),
        (NobodyLeft or TranscriptionStopped, AgentPhase.Joined or AgentPhase.Reconnecting) => To(agent, AgentPhase.Leaving, new(AgentAction.Leave, Drain: true)),
        (NobodyLeft or TranscriptionStopped, AgentPhase.Joining) => To(agent, AgentPhase.Idle, AgentDecision.Nothing),
        (NobodyLeft or TranscriptionStopped, AgentPhase.Leaving) => Forget(agent),
        _ => AgentDecision.Nothing,
    };

    /// <summary>The first rejoin goes at once (a media process restart); repeated ones wait 1, 2, 4 … s, at most <see cref="MaxBackoff"/>.</summary>
    public static TimeSpan Backoff(int attempts) =>
        attempts <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempts, 8) - 1)));

    private static AgentDecision Join(AgentConnection agent, DateTimeOffset now, TimeSpan delay)
    {
        agent.Phase = AgentPhase.Joining;
        agent.NotBefore = now + delay;
        agent.RejoinAfterLeave = false;
        return new(AgentAction.Join, delay);
    }

    private static AgentDecision Joined(AgentConnection agent)
    {
        agent.Attempts = 0;
        agent.NotBefore = null;
        return To(agent, AgentPhase.Joined, AgentDecision.Nothing);
    }

    private static AgentDecision Remember(AgentConnection agent)
    {
        agent.RejoinAfterLeave = true;
        return AgentDecision.Nothing;
    }

    private static AgentDecision Forget(AgentConnection agent)
    {
        agent.RejoinAfterLeave = false;
        return AgentDecision.Nothing;
    }

    private static AgentDecision AfterLeave(AgentConnection agent, DateTimeOffset now) => agent.RejoinAfterLeave
        ? Join(agent, now, TimeSpan.Zero)
        : To(agent, AgentPhase.Idle, AgentDecision.Nothing);

    private static AgentDecision To(AgentConnection agent, AgentPhase phase, AgentDecision decision)
    {
        agent.Phase = phase;
        return decision;
    }
}
