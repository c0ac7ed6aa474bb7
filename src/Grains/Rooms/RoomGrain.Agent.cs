using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scribe.Agent;
using Scribe.LiveKit;
using Scribe.Participants;

namespace Scribe.Rooms;

/// <summary>
/// The room's agent connection in Agent mode (<c>LiveKit:Audio</c> = <c>Agent</c>): the room is joined once, on this
/// silo, while it is active, transcribed and has had someone to transcribe. Every event goes through
/// <see cref="AgentLifecycle"/>; the connection itself is a <see cref="RoomAgent"/> this activation owns, which reports
/// back through <see cref="AgentReportAsync"/>, a call to this grain.
/// </summary>
public sealed partial class RoomGrain
{
    private readonly AgentConnection _agentConnection = new();
    private RoomAgent? _agent;
    private IGrainTimer? _agentKeepAlive;

    private bool AgentAudio => ServiceProvider.GetService<IOptions<LiveKitOptions>>()?.Value.Audio == LiveKitAudio.Agent;

    /// <summary>The agent belongs in the room: it is running, transcribed, and someone to transcribe has been seen in it.</summary>
    private bool AgentWanted => AgentAudio && State.Phase == RoomPhase.Active && IsTranscribing && State.Speakers.Count > 0;

    public Task AgentReportAsync(AgentReport report, string reason)
    {
        if (report == AgentReport.Joined)
        {
            Announce(); // whoever is in the room learns that captions are on, now that the agent can tell them
        }

        return ApplyAgentAsync(report switch
        {
            AgentReport.Joined => new AgentEvent.JoinSucceeded(),
            AgentReport.JoinFailed => new AgentEvent.JoinFailed(reason),
            AgentReport.Reconnecting => new AgentEvent.Reconnecting(),
            AgentReport.Reconnected => new AgentEvent.Reconnected(),
            AgentReport.RoomClosed => new AgentEvent.Left(AgentLeftReason.RoomClosed, reason),
            AgentReport.Removed => new AgentEvent.Left(AgentLeftReason.Removed, reason),
            AgentReport.NobodyLeft => new AgentEvent.NobodyLeft(),
            AgentReport.LeaveDone => new AgentEvent.LeaveDone(),
            _ => new AgentEvent.Left(AgentLeftReason.Lost, reason),
        });
    }

    public Task HandOffAgentAsync(SiloAddress target)
    {
        // The deactivation here leaves the room (the streams complete with what they have); the activation on the
        // target joins again, as after a silo loss, and the speakers follow the agent's PCM there.
        using (PlacementHintScope.Toward(target))
        {
            MigrateOnIdle();
        }

        return Task.CompletedTask;
    }

    /// <summary>Brings the agent in if it belongs in the room (a no-op when it is in, or on its way).</summary>
    private async Task AgentWantedAsync()
    {
        if (!AgentWanted)
        {
            return;
        }

        if (_agentConnection.Phase == AgentPhase.Closed)
        {
            await ApplyAgentAsync(new AgentEvent.RoomStarted()); // the room finished before and is running again
        }

        await ApplyAgentAsync(new AgentEvent.Needed());
    }

    private Task ApplyAgentAsync(AgentEvent happened)
    {
        if (!AgentAudio)
        {
            return Task.CompletedTask;
        }

        var before = _agentConnection.Phase;
        var decision = AgentLifecycle.Apply(_agentConnection, happened, time.GetUtcNow());
        if (before != _agentConnection.Phase || decision.Action != AgentAction.None)
        {
            LogAgentTransition(this.GetPrimaryKeyString(), happened.GetType().Name, before, _agentConnection.Phase, decision.Action);
        }

        switch (decision.Action)
        {
            case AgentAction.Join:
                Agent().Join(decision.Delay, State.ClockOrigin ?? time.GetUtcNow(), State.Transcription?.Language);
                break;
            case AgentAction.Leave:
                _agent?.Leave(decision.Drain);
                break;
        }

        KeepAliveWhileIn();
        return Task.CompletedTask;
    }

    private RoomAgent Agent() =>
        _agent ??= ServiceProvider.GetRequiredService<RoomAgentHost>().Create(this.GetPrimaryKeyString(), ReportToSelf());

    /// <summary>A dispatched start in Agent mode: the agent's first join uses the job's token.</summary>
    private void AdoptJob(DispatchedJob? job)
    {
        if (job is not null && AgentAudio)
        {
            Agent().AdoptJob(job);
            KeepAliveWhileIn();
        }
    }

    /// <summary>Whether LiveKit's job is still the room's (see <see cref="IRoomGrain.EndDispatchedJobAsync"/>); without an agent, any dispatched transcription is.</summary>
    private bool HoldsJob(string jobId) => AgentAudio
        ? _agent?.HoldsJob(jobId) == true
        : State.Transcription is { Active: true, RequestedBy: DispatchRequester };

    /// <summary>The agent's reports come back as calls to this grain, so each is a turn of its own.</summary>
    private Func<AgentReport, string, Task> ReportToSelf()
    {
        var self = this.AsReference<IRoomGrain>();
        return (report, reason) => self.AgentReportAsync(report, reason);
    }

    /// <summary>
    /// An idle room grain is collected; one whose agent is in the room (or on its way in or out) must stay, and so
    /// must one holding LiveKit's job while transcribed (a later activation would not know the job's termination).
    /// </summary>
    private void KeepAliveWhileIn()
    {
        var inRoom = _agentConnection.Phase is not (AgentPhase.Idle or AgentPhase.Closed) || (_agent?.Feeds ?? 0) > 0
            || (_agent?.HasJob == true && IsTranscribing);
        if (inRoom && _agentKeepAlive is null)
        {
            _agentKeepAlive = this.RegisterGrainTimer(
                _ => { KeepAliveWhileIn(); return Task.CompletedTask; },
                new GrainTimerCreationOptions(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)) { KeepAlive = true });
        }
        else if (!inRoom && _agentKeepAlive is not null)
        {
            _agentKeepAlive.Dispose();
            _agentKeepAlive = null;
        }
    }

    private async Task DisposeAgentAsync()
    {
        if (_agent is { } agent)
        {
            _agent = null;
            await agent.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} agent: {Event} took it from {From} to {To} ({Action})")]
    private partial void LogAgentTransition(string room, string @event, AgentPhase from, AgentPhase to, AgentAction action);
}
