using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Placement;
using Scribe.Audio;
using Scribe.Endpoints;
using Scribe.Ingest;
using Scribe.LiveKit;
using Scribe.Realtime;
using Scribe.Telemetry;

namespace Scribe.Participants;

/// <summary>
/// One speaker: keeps exactly one LiveKit egress of the microphone track streaming to this silo, and when egress
/// connects, builds the speaker stream (audio conversion + realtime transcription) that the ingest socket feeds.
/// Grain calls only record what should be; the egress timer does the LiveKit calls (start, restart with backoff,
/// stop), so webhooks return at once and a start is never issued twice for a track.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The ingest socket that feeds a stream disposes it when it ends.")]
public sealed partial class ParticipantGrain(
    [PersistentState("participant", "state")] IPersistentState<ParticipantRecord> record,
    ITrackEgress egress,
    IngestAddress ingestAddress,
    SpeakerStreams streams,
    IEndpointPicker endpoints,
    IOptions<TranscriberOptions> transcriberOptions,
    VoiceActivityDetectors detectors,
    IOptions<LiveKitOptions> liveKitOptions,
    ITranscriptDataChannel dataChannel,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILoggerFactory loggers) : Grain, IParticipantGrain
{
    private const int EndedTracksKept = 16;

    /// <summary>A stream that ran this long was healthy: the restart budget starts over.</summary>
    private static readonly TimeSpan HealthyStream = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    /// <summary>How long a hand-off waits for the stopped stream to deliver its last segment.</summary>
    private static readonly TimeSpan HandOffEnd = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = loggers.CreateLogger<ParticipantGrain>();
    private SpeakerStream? _stream;

    /// <summary>Streams stopped or replaced that are still finishing; their figures join State.Usage once they end.</summary>
    private readonly List<SpeakerStream> _ending = [];
    private DateTimeOffset _attachedAt;
    private IGrainTimer? _watch;
    private IGrainTimer? _egressTimer;
    private DateTimeOffset _startNotBefore;

    private ParticipantRecord State => record.State;

    private LiveKitOptions Options => liveKitOptions.Value;

    private string ThisSilo => silo.SiloAddress.ToParsableString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // An egress started by an earlier activation dials the silo that activation lived on (the ingest URL names it),
        // or was attached to a stream that died with that activation: either way it feeds nobody now. Start afresh here.
        if (State.TrackSid is not null && State.EgressId is { } old && (State.EgressSilo != ThisSilo || State.AttachedEgressId == old))
        {
            LogEgressMoved(State.Room, State.Identity, old, State.EgressSilo ?? "?", ThisSilo);
            State.PendingStops.Add(old);
            State.EgressId = null;
            await record.WriteStateAsync(cancellationToken);
        }

        ScheduleOutstandingEgressWork();
    }

    public async Task StartTrackAsync(ParticipantInfo participant, TrackInfo track, bool transcribe)
    {
        State.Room = ParticipantKey.RoomOf(this.GetPrimaryKeyString(), participant.Identity);
        State.Identity = participant.Identity;
        State.Name = string.IsNullOrEmpty(participant.Name) ? participant.Identity : participant.Name;
        if (State.TrackSid == track.Sid)
        {
            if (transcribe)
            {
                await SetTranscriptionAsync(true); // the room reconciled after a start
            }

            return; // LiveKit retried, or the room reconciled: one egress per track
        }

        if ((participant.Sid.Length > 0 && participant.Sid == State.LeftSid) || State.EndedTracks.Contains(track.Sid))
        {
            LogStaleTrack(State.Room, State.Identity, track.Sid);
            return; // a late track_published of a session or track that has already ended
        }

        if (State.TrackSid is { } previous)
        {
            EndTrack(previous);
        }

        State.TrackSid = track.Sid;
        State.EgressId = null;
        State.Restarts = 0;
        State.Error = null;
        State.TranscriptionOff = !transcribe;
        await record.WriteStateAsync();
        ScheduleEgressWork(TimeSpan.Zero);
    }

    public async Task StopTrackAsync(string trackSid)
    {
        if (State.TrackSid != trackSid)
        {
            // Unpublished before we heard of it (reordered webhooks): remember, so its late track_published is ignored.
            if (!State.EndedTracks.Contains(trackSid))
            {
                RememberEnded(trackSid);
                await record.WriteStateAsync();
            }

            return;
        }

        EndTrack(trackSid);
        await record.WriteStateAsync();
    }

    public async Task LeaveAsync()
    {
        if (State.TrackSid is { } track)
        {
            EndTrack(track);
            await record.WriteStateAsync();
        }
    }

    public async Task LeftAsync(ParticipantInfo participant)
    {
        if (State.Identity.Length == 0)
        {
            State.Room = ParticipantKey.RoomOf(this.GetPrimaryKeyString(), participant.Identity);
            State.Identity = participant.Identity;
            State.Name = string.IsNullOrEmpty(participant.Name) ? participant.Identity : participant.Name;
        }

        if (participant.Sid.Length > 0)
        {
            State.LeftSid = participant.Sid;
        }

        if (State.TrackSid is { } track)
        {
            EndTrack(track);
        }

        await record.WriteStateAsync();
    }

    /// <summary>Stops transcribing <paramref name="trackSid"/>: the stream at once, the egress from the timer.</summary>
    private void EndTrack(string trackSid)
    {
        if (State.EgressId is { } egressId)
        {
            State.PendingStops.Add(egressId);
        }

        _stream?.Stop();
        State.EgressId = null;
        State.TrackSid = null;
        State.Error = null;
        State.Restarts = 0;
        RememberEnded(trackSid);
        if (State.PendingStops.Count > 0)
        {
            ScheduleEgressWork(TimeSpan.Zero);
        }
    }

    private void RememberEnded(string trackSid)
    {
        State.EndedTracks.Add(trackSid);
        if (State.EndedTracks.Count > EndedTracksKept)
        {
            State.EndedTracks.RemoveAt(0);
        }
    }

    public async Task<bool> AttachIngestAsync(string trackSid, DateTimeOffset clockOrigin)
    {
        if (State.TrackSid != trackSid || State.EgressId is null)
        {
            return false;
        }

        if (_stream is { Ended.IsCompleted: false } && streams.TryGet(State.Room, State.Identity, trackSid, out var existing) && ReferenceEquals(existing, _stream))
        {
            return true;
        }

        RetireStream();
        var room = GrainFactory.GetGrain<IRoomGrain>(State.Room);
        State.ClockOrigin ??= clockOrigin;
        State.Epoch++;
        State.AttachedEgressId = State.EgressId;
        await record.WriteStateAsync();

        var originMs = (long)(time.GetUtcNow() - State.ClockOrigin.Value).TotalMilliseconds;
        var speaker = new SpeakerContext(State.Room, State.Identity, State.Name, trackSid, State.Epoch, Math.Max(0, originMs));
        var publisher = new SegmentPublisher(room, loggers.CreateLogger<SegmentPublisher>());
        var broadcaster = Options.PublishTranscripts
            ? new TranscriptBroadcaster(
                (payload, ct) => dataChannel.SendAsync(speaker.Room, payload, ct),
                TimeSpan.FromMilliseconds(Options.TranscriptInterimIntervalMs),
                time,
                loggers.CreateLogger<TranscriptBroadcaster>())
            : null;
        ISegmentSink sink = broadcaster is null ? publisher : new SegmentSinks(publisher, broadcaster);
        var transcriber = new SpeakerTranscriber(speaker, transcriberOptions.Value, endpoints, sink, loggers.CreateLogger<SpeakerTranscriber>(), time, detectors.Create());
        _stream = new SpeakerStream(speaker, transcriber, publisher, broadcaster);
        if (!streams.TryAdd(_stream))
        {
            await _stream.DisposeAsync();
            _stream = null;
            return false;
        }

        _attachedAt = time.GetUtcNow();
        WatchStreams();
        return true;
    }

    public async Task IngestEndedAsync(string trackSid, int epoch, IngestEnd end, string reason)
    {
        if (trackSid != State.TrackSid || epoch != State.Epoch || State.EgressId is null || State.EgressId != State.AttachedEgressId)
        {
            return; // an older stream, or a track we stopped ourselves
        }

        if (end == IngestEnd.EgressClosed)
        {
            // The egress finished on its own terms: LiveKit completes a track egress when the track ends, and the
            // track_unpublished that follows stops the rest. Restarting here would replay a finished track.
            State.EgressId = null;
            await record.WriteStateAsync();
            return;
        }

        if (time.GetUtcNow() - _attachedAt >= HealthyStream)
        {
            State.Restarts = 0;
        }

        await EgressLostAsync(State.EgressId, $"ingest {end}: {reason}");
    }

    public async Task EgressEndedAsync(string egressId, bool failed, string reason)
    {
        if (egressId != State.EgressId)
        {
            return; // one we stopped, or one already replaced
        }

        if (!failed)
        {
            State.EgressId = null;
            await record.WriteStateAsync();
            return;
        }

        await EgressLostAsync(egressId, $"egress {egressId} ended: {reason}");
    }

    /// <summary>The egress died while its track is still published: restart it with backoff, or give up visibly.</summary>
    private async Task EgressLostAsync(string? egressId, string reason)
    {
        if (egressId is not null)
        {
            State.PendingStops.Add(egressId); // it may linger half-alive; make sure LiveKit lets it go
        }

        RetireStream();
        State.EgressId = null;
        if (State.Restarts >= Options.EgressRestartAttempts)
        {
            State.Error = $"{reason} (gave up after {State.Restarts} restarts)";
            LogGaveUp(State.Room, State.Identity, State.TrackSid ?? "", State.Error);
            await record.WriteStateAsync();
            ScheduleEgressWork(TimeSpan.Zero);
            return;
        }

        State.Restarts++;
        var delay = RestartDelay(State.Restarts);
        LogRestarting(State.Room, State.Identity, State.TrackSid ?? "", reason, State.Restarts, delay.TotalMilliseconds);
        ScribeMetrics.EgressRestarts.Add(1);
        await record.WriteStateAsync();
        _startNotBefore = time.GetUtcNow() + delay;
        ScheduleEgressWork(delay);
    }

    private TimeSpan RestartDelay(int restart)
    {
        var ms = Options.EgressRestartDelayMs * Math.Pow(2, Math.Min(restart - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxRestartDelay.TotalMilliseconds));
    }

    private bool NeedsEgress => State.TrackSid is not null && State.EgressId is null && State.Error is null && !State.TranscriptionOff;

    /// <summary>Runs the egress work now if an egress is owed a stop or the track lacks one.</summary>
    private void ScheduleOutstandingEgressWork()
    {
        if (State.PendingStops.Count > 0 || NeedsEgress)
        {
            ScheduleEgressWork(TimeSpan.Zero);
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
    /// The only place that talks to LiveKit's egress service. Timer callbacks do not interleave with grain calls, so
    /// nothing else runs while a start is in flight: a duplicate or concurrent track_published finds the track
    /// already taken and returns.
    /// </summary>
    private async Task RunEgressWorkAsync(CancellationToken cancellationToken)
    {
        while (State.PendingStops.Count > 0)
        {
            var stopping = State.PendingStops[0];
            try
            {
                await egress.StopAsync(stopping, cancellationToken);
            }
            catch (TwirpException e) when (e.Code is "failed_precondition" or "not_found")
            {
                LogEgressAlreadyEnded(State.Room, State.Identity, stopping, e.ServerMessage); // the usual case after a crash
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // LiveKit is unreachable: the egress ends on its own when its socket to us closes; nothing to retry.
                LogEgressStopFailed(e, State.Room, State.Identity, stopping);
            }

            State.PendingStops.Remove(stopping);
            await record.WriteStateAsync(cancellationToken);
        }

        if (!NeedsEgress)
        {
            return;
        }

        var wait = _startNotBefore - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            ScheduleEgressWork(wait);
            return;
        }

        var trackSid = State.TrackSid!;
        var url = ingestAddress.For(State.Room, State.Identity, trackSid);
        string egressId;
        try
        {
            egressId = await egress.StartAsync(State.Room, trackSid, url, cancellationToken);
        }
        catch (TwirpException e) when (e.Code == "not_found")
        {
            // LiveKit no longer has the track (or the room): it ended while its webhooks were on their way.
            LogTrackGone(State.Room, State.Identity, trackSid, e.ServerMessage);
            State.TrackSid = null;
            RememberEnded(trackSid);
            await record.WriteStateAsync(cancellationToken);
            return;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogEgressFailed(e, State.Room, State.Identity, trackSid);
            await EgressLostAsync(null, $"egress could not start: {e.Message}");
            return;
        }

        State.EgressId = egressId;
        State.EgressSilo = ThisSilo;
        await record.WriteStateAsync(cancellationToken);
        ScribeMetrics.EgressStarts.Add(1);
        LogEgressStarted(State.Room, State.Identity, trackSid, egressId);
        try
        {
            await GrainFactory.GetGrain<IWebhookLedgerGrain>(State.Room).RecordEgressAsync(egressId, State.Identity);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Only egress webhooks need the record; the ingest socket still reports this egress's end.
            LogLedgerFailed(e, State.Room, State.Identity, egressId);
        }
    }

    public Task ResumeAsync()
    {
        // Safe to repeat: the egress work honours a restart's backoff, and a start in flight cannot interleave.
        ScheduleOutstandingEgressWork();
        return Task.CompletedTask;
    }

    public async Task HandOffAsync(SiloAddress? target)
    {
        if (target is null)
        {
            // Nowhere to move: stop here and leave the egress be; its end (webhook or ingest) restarts it later.
            _stream?.Stop();
            return;
        }

        if (State.EgressId is { } egressId)
        {
            // The activation on the target stops this egress before it starts its own.
            State.PendingStops.Add(egressId);
            State.EgressId = null;
            await record.WriteStateAsync();
        }

        if (_stream is { } stream)
        {
            // The stream is at a pause: let it deliver its last segment, so its figures travel with the state.
            RetireStream();
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
        var hint = RequestContext.Get(IPlacementDirector.PlacementHintKey);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        try
        {
            MigrateOnIdle();
        }
        finally
        {
            if (hint is null)
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
            else
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, hint);
            }
        }
    }

    public Task<SpeakerStatus> GetStatusAsync()
    {
        var stream = _stream is { Ended.IsCompleted: false } running ? running : null;
        var state = stream switch
        {
            not null => stream.Transcriber.State,
            null when State.Error is not null => SpeakerState.Error,
            null when State.TrackSid is not null && (State.EgressId is not null || NeedsEgress) => SpeakerState.Starting,
            null when State.TrackSid is not null => SpeakerState.Stopped,
            null => SpeakerState.Idle,
        };
        return Task.FromResult(new SpeakerStatus(
            State.Identity, State.Name, State.TrackSid, state, stream?.Transcriber.EndpointName, State.EgressId, stream?.Transcriber.Error ?? State.Error,
            // Streams not yet folded into State.Usage (the watch does that once they end) still count.
            _ending.Aggregate(State.Usage.Plus(_stream?.Transcriber.Usage), (total, ending) => total.Plus(ending.Transcriber.Usage))));
    }

    /// <summary>Stops the current stream and keeps it until it has ended, so its usage is not lost.</summary>
    private void RetireStream()
    {
        if (_stream is { } stream)
        {
            stream.Stop();
            _ending.Add(stream);
            _stream = null;
            WatchStreams();
        }
    }

    /// <summary>Keeps the grain active while a stream runs or finishes; the watch lets go once all have ended.</summary>
    private void WatchStreams() =>
        _watch ??= this.RegisterGrainTimer(WatchStreamsAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });

    private async Task WatchStreamsAsync(CancellationToken cancellationToken)
    {
        if (_stream is { Ended.IsCompleted: true } ended)
        {
            _ending.Add(ended);
            _stream = null;
        }

        await FoldEndedStreamsAsync(cancellationToken);
        if (_stream is null && _ending.Count == 0)
        {
            _watch?.Dispose();
            _watch = null;
        }
    }

    /// <summary>The speaker's usage is the sum over all its streams: an ended stream's figures move into the record.</summary>
    private async Task FoldEndedStreamsAsync(CancellationToken cancellationToken = default)
    {
        var ended = _ending.FindAll(stream => stream.Ended.IsCompleted);
        if (ended.Count == 0)
        {
            return;
        }

        foreach (var stream in ended)
        {
            State.Usage = State.Usage.Plus(stream.Transcriber.Usage);
            _ending.Remove(stream);
        }

        await record.WriteStateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_stream is { Ended.IsCompleted: false })
        {
            LogDeactivatedWhileStreaming(State.Room, State.Identity, reason.ReasonCode, reason.Description);
        }

        _stream?.Stop();
        _ending.ForEach(stream => stream.Stop());
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: the stream did not end within {Seconds} s of the hand-off; its usage stays behind")]
    private partial void LogHandOffUnfinished(string room, string identity, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: egress {EgressId} started for track {TrackSid}")]
    private partial void LogEgressStarted(string room, string identity, string trackSid, string egressId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity}: egress for track {TrackSid} could not start")]
    private partial void LogEgressFailed(Exception exception, string room, string identity, string trackSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: stopping egress {EgressId} failed")]
    private partial void LogEgressStopFailed(Exception exception, string room, string identity, string egressId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: egress {EgressId} could not be recorded for its webhooks")]
    private partial void LogLedgerFailed(Exception exception, string room, string identity, string egressId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speaker {Room}/{Identity}: egress {EgressId} had already ended ({Message})")]
    private partial void LogEgressAlreadyEnded(string room, string identity, string egressId, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: egress of track {TrackSid} lost ({Reason}); restart {Restart} in {DelayMs} ms")]
    private partial void LogRestarting(string room, string identity, string trackSid, string reason, int restart, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity}: track {TrackSid} is no longer transcribed: {Error}")]
    private partial void LogGaveUp(string room, string identity, string trackSid, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: track {TrackSid} is gone at LiveKit ({Message})")]
    private partial void LogTrackGone(string room, string identity, string trackSid, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speaker {Room}/{Identity}: ignored track {TrackSid} of a session that already ended")]
    private partial void LogStaleTrack(string room, string identity, string trackSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: deactivated while streaming ({Reason}: {Description}); the stream stops")]
    private partial void LogDeactivatedWhileStreaming(string room, string identity, DeactivationReasonCode reason, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: this silo is stopping; moving to {Silo}")]
    private partial void LogHandingOff(string room, string identity, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: egress {EgressId} dialled silo {OldSilo}; restarting it to {Silo}")]
    private partial void LogEgressMoved(string room, string identity, string egressId, string oldSilo, string silo);
}
