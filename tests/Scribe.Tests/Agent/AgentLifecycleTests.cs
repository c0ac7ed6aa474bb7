using Scribe.Agent;
using static Scribe.Agent.AgentEvent;

namespace Scribe.Tests.Agent;

/// <summary>Each transition of the room's agent connection, one line each: (phase, event) → (phase, action).</summary>
public sealed class AgentLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(AgentPhase.Idle, "needed", AgentPhase.Joining, AgentAction.Join)]
    [InlineData(AgentPhase.Joining, "needed", AgentPhase.Joining, AgentAction.None)]
    [InlineData(AgentPhase.Joined, "needed", AgentPhase.Joined, AgentAction.None)]
    [InlineData(AgentPhase.Joining, "joined", AgentPhase.Joined, AgentAction.None)]
    [InlineData(AgentPhase.Idle, "joined", AgentPhase.Idle, AgentAction.Leave)] // stopped while the join was in flight
    [InlineData(AgentPhase.Closed, "joined", AgentPhase.Closed, AgentAction.Leave)] // finished while the join was in flight
    [InlineData(AgentPhase.Joining, "join failed", AgentPhase.Joining, AgentAction.Join)]
    [InlineData(AgentPhase.Joined, "reconnecting", AgentPhase.Reconnecting, AgentAction.None)]
    [InlineData(AgentPhase.Reconnecting, "reconnected", AgentPhase.Joined, AgentAction.None)]
    [InlineData(AgentPhase.Joined, "lost", AgentPhase.Joining, AgentAction.Join)]
    [InlineData(AgentPhase.Reconnecting, "lost", AgentPhase.Joining, AgentAction.Join)] // the SDK gave up: rejoin
    [InlineData(AgentPhase.Joined, "room closed", AgentPhase.Idle, AgentAction.None)] // joining would reopen it
    [InlineData(AgentPhase.Joined, "removed", AgentPhase.Idle, AgentAction.None)]
    [InlineData(AgentPhase.Joined, "nobody left", AgentPhase.Leaving, AgentAction.Leave)]
    [InlineData(AgentPhase.Joined, "stopped", AgentPhase.Leaving, AgentAction.Leave)]
    [InlineData(AgentPhase.Joining, "stopped", AgentPhase.Idle, AgentAction.None)]
    [InlineData(AgentPhase.Leaving, "leave done", AgentPhase.Idle, AgentAction.None)]
    [InlineData(AgentPhase.Leaving, "lost", AgentPhase.Idle, AgentAction.None)] // out while leaving: that is the leave
    [InlineData(AgentPhase.Joined, "finished", AgentPhase.Closed, AgentAction.Leave)]
    [InlineData(AgentPhase.Idle, "finished", AgentPhase.Closed, AgentAction.None)]
    [InlineData(AgentPhase.Closed, "needed", AgentPhase.Closed, AgentAction.None)] // never a join after the room finished
    [InlineData(AgentPhase.Closed, "lost", AgentPhase.Closed, AgentAction.None)]
    [InlineData(AgentPhase.Closed, "started", AgentPhase.Idle, AgentAction.None)] // a new session of the room name
    [InlineData(AgentPhase.Joined, "started", AgentPhase.Joined, AgentAction.None)]
    public void Transition(AgentPhase from, string happened, AgentPhase to, AgentAction action)
    {
        var agent = new AgentConnection { Phase = from };

        var decision = AgentLifecycle.Apply(agent, Event(happened), Now);

        Assert.Equal((to, action), (agent.Phase, decision.Action));
    }

    [Fact]
    public void Wanted_again_while_leaving_joins_once_the_leave_is_done()
    {
        var agent = new AgentConnection { Phase = AgentPhase.Leaving };

        Assert.Equal(AgentAction.None, AgentLifecycle.Apply(agent, new Needed(), Now).Action);
        var decision = AgentLifecycle.Apply(agent, new LeaveDone(), Now);

        Assert.Equal((AgentPhase.Joining, AgentAction.Join, TimeSpan.Zero), (agent.Phase, decision.Action, decision.Delay));
    }

    [Fact]
    public void Leaves_drain_the_streams_first()
    {
        Assert.True(AgentLifecycle.Apply(new AgentConnection { Phase = AgentPhase.Joined }, new TranscriptionStopped(), Now).Drain);
        Assert.True(AgentLifecycle.Apply(new AgentConnection { Phase = AgentPhase.Joined }, new RoomFinished(), Now).Drain);
    }

    [Fact]
    public void A_lost_connection_rejoins_at_once_then_backs_off_while_it_keeps_failing_and_a_join_resets_it()
    {
        var agent = new AgentConnection { Phase = AgentPhase.Joined };

        var first = AgentLifecycle.Apply(agent, new Left(AgentLeftReason.Lost, "media process died"), Now);
        var second = AgentLifecycle.Apply(agent, new JoinFailed("SFU unreachable"), Now);
        var third = AgentLifecycle.Apply(agent, new JoinFailed("SFU unreachable"), Now);
        AgentLifecycle.Apply(agent, new JoinSucceeded(), Now);
        var afterJoin = AgentLifecycle.Apply(agent, new Left(AgentLeftReason.Lost, "again"), Now);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.Zero], [first.Delay, second.Delay, third.Delay, afterJoin.Delay]);
        Assert.Equal(Now, agent.NotBefore);
    }

    [Fact]
    public void The_backoff_never_exceeds_its_cap() =>
        Assert.All(Enumerable.Range(0, 40), n => Assert.InRange(AgentLifecycle.Backoff(n), TimeSpan.Zero, AgentLifecycle.MaxBackoff));

    private static AgentEvent Event(string name) => name switch
    {
        "needed" => new Needed(),
        "joined" => new JoinSucceeded(),
        "join failed" => new JoinFailed("no"),
        "reconnecting" => new Reconnecting(),
        "reconnected" => new Reconnected(),
        "lost" => new Left(AgentLeftReason.Lost, "gone"),
        "room closed" => new Left(AgentLeftReason.RoomClosed, "closed"),
        "removed" => new Left(AgentLeftReason.Removed, "removed"),
        "nobody left" => new NobodyLeft(),
        "stopped" => new TranscriptionStopped(),
        "leave done" => new LeaveDone(),
        "finished" => new RoomFinished(),
        "started" => new RoomStarted(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
