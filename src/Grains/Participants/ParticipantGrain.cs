using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scribe.Egress;
using Scribe.LiveKit;
using Scribe.Realtime;
using Scribe.Telemetry;
using static Scribe.Egress.EgressEvent;

namespace Scribe.Participants;

/// <summary>
/// One speaker: keeps exactly one LiveKit egress of the microphone track streaming to this silo while the room is
/// transcribed, and when egress connects, has the speaker's stream built for the ingest socket to feed. Every event
/// goes through <see cref="EgressLifecycle"/>, which changes the record and says what follows; the grain applies
/// that. Its audio source is the egress: the lifecycle decides, and <see cref="EgressWorker"/> makes the LiveKit calls
/// (start, restart with backoff, stop) from the egress timer and answers with events, so webhooks return at once
/// and a start is never issued twice for a track.
/// </summary>
public sealed partial class ParticipantGrain(
    [PersistentState("participant", StorageNames.State)] IPersistentState<ParticipantRecord> record,
    EgressWorker egressWorker,
    SpeakerStreamRegistry streams,
    SpeakerPipelineFactory pipelines,
    IOptions<LiveKitOptions> liveKitOptions,
    TimeProvider time,
    ScribeMetrics metrics,
    ILogger<ParticipantGrain> logger) : Grain, IParticipantGrain
{
    /// <summary>How long a hand-off waits for the stopped stream to deliver its last segment.</summary>
    private static readonly TimeSpan HandOffEnd = TimeSpan.FromSeconds(5);

    private readonly EgressLifecycle _lifecycle = new(new EgressPolicy(
        liveKitOptions.Value.EgressRestartAttempts, TimeSpan.FromMilliseconds(liveKitOptions.Value.EgressRestartDelayMs)));

    private SpeakerUsageLedger _usage = new(SpeakerUsage.None);
    private SpeakerStream? _stream;
    private IGrainTimer? _watch;
    private IGrainTimer? _egressTimer;

    private ParticipantRecord State => record.State;

    private EgressRecord Egress => record.State.Egress;

    private string ThisSilo => egressWorker.Silo;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _usage = new SpeakerUsageLedger(State.Usage);
        await ApplyAsync(new Activated(ThisSilo), cancellationToken);
    }

    public Task StartTrackAsync(ParticipantInfo participant, TrackInfo track, bool transcribe)
    {
        Name(participant);
        return ApplyAsync(new TrackPublished(track.Sid, participant.Sid, transcribe));
    }

    public Task SetTranscriptionAsync(bool active) => ApplyAsync(new TranscriptionSet(active));

    public Task StopTrackAsync(string trackSid) => ApplyAsync(new TrackUnpublished(trackSid));

    public Task RoomFinishedAsync() => ApplyAsync(new RoomFinished());

    public Task ParticipantLeftAsync(ParticipantInfo participant)
    {
        if (State.Identity.Length == 0)
        {
            Name(participant);
        }

        return ApplyAsync(new ParticipantLeft(participant.Sid));
    }

    public Task IngestEndedAsync(string trackSid, int epoch, IngestEnd end, string reason) => ApplyAsync(new IngestEnded(trackSid, epoch, end, reason));

    public Task EgressEndedAsync(string egressId, bool failed, string reason) => ApplyAsync(new EgressEnded(egressId, failed, reason));

    /// <summary>Safe to repeat: the egress work honours a restart's backoff, and a start in flight cannot interleave.</summary>
    public Task ResumeAsync() => ApplyAsync(new Resumed());

    public async Task<bool> AttachIngestAsync(string trackSid, DateTimeOffset clockOrigin)
    {
        if (Egress.TrackSid != trackSid || Egress.Phase is not (EgressPhase.Running or EgressPhase.Attached))
        {
            return false;
        }

        if (_stream is { HasEnded: false } current && streams.Holds(current))
        {
            return true;
        }

        await RetireStreamAsync();
        State.ClockOrigin ??= clockOrigin;
        await ApplyAsync(new IngestAttached());
        return await StartStreamAsync(trackSid, Egress.Epoch);
    }

    /// <summary>Builds the speaker's stream for <paramref name="trackSid"/> on this silo, for its one feeder (ingest or the agent) to take.</summary>
    private async Task<bool> StartStreamAsync(string trackSid, int epoch)
    {
        var originMs = (long)(time.GetUtcNow() - State.ClockOrigin!.Value).TotalMilliseconds;
        var stream = pipelines.Create(new SpeakerContext(State.Room, State.Identity, State.Name, trackSid, epoch, Math.Max(0, originMs)));
        if (!await streams.AdoptAsync(stream))
        {
            return false;
        }

        _stream = stream;
        _usage.Track(stream);
        WatchStreams();
        return true;
    }

    public async Task HandOffAsync(SiloAddress? target)
    {
        if (target is null)
        {
            // Nowhere to move: stop here and leave the egress be; its end (webhook or ingest) restarts it later.
            await RetireStreamAsync();
            return;
        }

        var stream = _stream;
        await ApplyAsync(new HandedOff());
        if (stream is not null)
        {
            // The stream is at a pause: let it deliver its last segment, so its figures travel with the state.
            try
            {
                await stream.Ended.WaitAsync(HandOffEnd);
            }
            catch (TimeoutException)
            {
                LogHandOffUnfinished(State.Room, State.Identity, HandOffEnd.TotalSeconds);
            }

            await FoldEndedStreamsAsync();
        }

        LogHandingOff(State.Room, State.Identity, target.ToParsableString());
        using (PlacementHintScope.Toward(target))
        {
            MigrateOnIdle();
        }
    }

    public Task<SpeakerStatus> GetStatusAsync()
    {
        var live = _stream is { HasEnded: false } running ? running : null;
        return Task.FromResult(new SpeakerStatus(
            State.Identity, State.Name, live?.Speaker.TrackSid ?? Egress.TrackSid, live?.State ?? EgressLifecycle.StatusOf(Egress.Phase), live?.EndpointName, Egress.EgressId,
            live?.Error ?? Egress.Error, _usage.Total));
    }

    public Task<bool> IsStreamingAsync() => Task.FromResult(_usage.HasRunning);

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_stream is { HasEnded: false })
        {
            LogDeactivatedWhileStreaming(State.Room, State.Identity, reason.ReasonCode, reason.Description);
        }

        await RetireStreamAsync();
    }

    private void Name(ParticipantInfo participant)
    {
        State.Room = ParticipantKey.RoomOf(this.GetPrimaryKeyString(), participant.Identity);
        State.Identity = participant.Identity;
        State.Name = string.IsNullOrEmpty(participant.Name) ? participant.Identity : participant.Name;
    }

    /// <summary>The one place an event changes the record; the rest carries out the lifecycle's decision.</summary>
    private async Task ApplyAsync(EgressEvent happened, CancellationToken cancellationToken = default)
    {
        if (AgentAudio)
        {
            await ApplyAgentAsync(happened, cancellationToken); // no egress in Agent mode (ParticipantGrain.Agent.cs)
            return;
        }

        var trackSid = Egress.TrackSid ?? "";
        var decision = _lifecycle.Apply(Egress, happened, time.GetUtcNow());
        Report(happened, decision, trackSid);
        if (decision.Stream == StreamAction.EndAtPause && _stream is { } stream && !await stream.EndAtNextPauseAsync(SpeakerStream.PauseWait, cancellationToken))
        {
            LogPauseNotReached(State.Room, State.Identity, SpeakerStream.PauseWait.TotalSeconds);
        }

        if (decision.Stream != StreamAction.Keep)
        {
            await RetireStreamAsync();
        }

        if (decision.Persist)
        {
            await record.WriteStateAsync(cancellationToken);
        }

        if (decision.EgressWorkIn is { } due)
        {
            ScheduleEgressWork(due);
        }
    }

    private void Report(EgressEvent happened, EgressDecision decision, string trackSid)
    {
        switch (decision.Outcome)
        {
            case EgressOutcome.Restarting:
                LogRestarting(State.Room, State.Identity, trackSid, decision.Reason ?? "", Egress.Restarts, (decision.EgressWorkIn ?? TimeSpan.Zero).TotalMilliseconds);
                metrics.EgressRestarts.Add(1);
                break;
            case EgressOutcome.GaveUp:
                LogGaveUp(State.Room, State.Identity, trackSid, decision.Reason ?? "");
                break;
            case EgressOutcome.Moved:
                LogEgressMoved(State.Room, State.Identity, Egress.PendingStops[^1], decision.Reason ?? "?", ThisSilo);
                break;
            case EgressOutcome.Stale when happened is TrackPublished published:
                LogStaleTrack(State.Room, State.Identity, published.TrackSid);
                break;
        }
    }

    private void ScheduleEgressWork(TimeSpan due)
    {
        if (_egressTimer is null)
        {
            _egressTimer = this.RegisterGrainTimer(RunEgressWorkAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
        else
        {
            _egressTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The egress work: owed stops first, then the start the lifecycle asks for (not before a restart's backoff).
    /// Timer callbacks do not interleave with grain calls, so nothing else runs while a start is in flight: a
    /// duplicate or concurrent track_published finds the track already taken and returns.
    /// </summary>
    private async Task RunEgressWorkAsync(CancellationToken cancellationToken)
    {
        while (Egress.PendingStops.Count > 0)
        {
            await ApplyAsync(await egressWorker.StopAsync(State.Room, State.Identity, Egress.PendingStops[0], cancellationToken), cancellationToken);
        }

        if (Egress.Phase != EgressPhase.Starting)
        {
            return;
        }

        var wait = (Egress.NotBefore ?? DateTimeOffset.MinValue) - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            ScheduleEgressWork(wait);
            return;
        }

        await ApplyAsync(await egressWorker.StartAsync(State.Room, State.Identity, Egress.TrackSid!, cancellationToken), cancellationToken);
    }

    /// <summary>Stops the current stream; the ledger keeps it until it has ended, so its usage is not lost.</summary>
    private async Task RetireStreamAsync()
    {
        if (_stream is { } stream)
        {
            _stream = null;
            await streams.StopAsync(stream);
            WatchStreams();
        }
    }

    /// <summary>The room was erased: nothing of this speaker stays in storage.</summary>
    public async Task EraseAsync()
    {
        await record.ClearStateAsync();
        DeactivateOnIdle();
    }

    /// <summary>Keeps the grain active while a stream runs or finishes; the watch lets go once all have ended.</summary>
    private void WatchStreams() =>
        _watch ??= this.RegisterGrainTimer(WatchStreamsAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });

    private async Task WatchStreamsAsync(CancellationToken cancellationToken)
    {
        await FoldEndedStreamsAsync(cancellationToken);
        if (!_usage.HasOpen)
        {
            _watch?.Dispose();
            _watch = null;
        }
    }

    /// <summary>The speaker's usage is the sum over all its streams: an ended stream's figures move into the record.</summary>
    private async Task FoldEndedStreamsAsync(CancellationToken cancellationToken = default)
    {
        if (_usage.FoldEnded())
        {
            State.Usage = _usage.Folded;
            await record.WriteStateAsync(cancellationToken);
        }
    }
}
