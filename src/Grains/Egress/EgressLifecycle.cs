using static Scribe.Egress.EgressEvent;

namespace Scribe.Egress;

/// <summary>
/// The transitions of a speaker's egress, as pure logic: one method takes an event, changes the record, and says
/// what the grain must do (persist, stop the stream, call LiveKit). The grain applies its decisions; nothing else
/// writes an <see cref="EgressRecord"/>.
/// </summary>
public sealed class EgressLifecycle(EgressPolicy policy)
{
    public EgressDecision Apply(EgressRecord egress, EgressEvent happened, DateTimeOffset now) => happened switch
    {
        TrackPublished e => Publish(egress, e),
        TrackUnpublished e when e.TrackSid != egress.TrackSid => Forget(egress, e.TrackSid),
        TrackUnpublished => EndTrack(egress),
        RoomFinished => egress.TrackSid is null ? EgressDecision.Nothing : EndTrack(egress),
        ParticipantLeft e => Leave(egress, e.ParticipantSid),
        TranscriptionSet e => SetTranscription(egress, e.Active),
        EgressStarted e when egress.Phase == EgressPhase.Starting => Started(egress, e),
        EgressStartFailed e when egress.Phase == EgressPhase.Starting => Lost(egress, null, $"egress could not start: {e.Reason}", now),
        TrackGone when egress.Phase == EgressPhase.Starting => Gone(egress),
        StopSent e => new(egress.PendingStops.Remove(e.EgressId)),
        IngestAttached when egress.Phase is EgressPhase.Running or EgressPhase.Attached => Attach(egress, now),
        IngestEnded e => IngestEnded(egress, e, now),
        EgressEnded e when e.EgressId == egress.EgressId => e.Failed ? Lost(egress, e.EgressId, $"egress {e.EgressId} ended: {e.Reason}", now) : Complete(egress),
        Activated e => Activate(egress, e.Silo),
        Resumed => Outstanding(egress, persist: false),
        HandedOff => HandOff(egress),
        _ => EgressDecision.Ignored,
    };

    /// <summary>The phase a speaker with this record shows when no stream of it runs here.</summary>
    public static SpeakerState StatusOf(EgressPhase phase) => phase switch
    {
        EgressPhase.None => SpeakerState.Idle,
        EgressPhase.Paused => SpeakerState.Stopped,
        EgressPhase.GivenUp => SpeakerState.Error,
        _ => SpeakerState.Starting,
    };

    private static EgressDecision Publish(EgressRecord egress, TrackPublished e)
    {
        if (egress.TrackSid == e.TrackSid)
        {
            // LiveKit retried, or the room reconciled: one egress per track; the room's wish may have changed.
            return SetTranscription(egress, e.Transcribe);
        }

        if ((e.ParticipantSid.Length > 0 && e.ParticipantSid == egress.LeftSid) || egress.EndedTracks.Contains(e.TrackSid))
        {
            return EgressDecision.Ignored; // a late track_published of a session or track that has already ended
        }

        var stream = StreamAction.Keep;
        if (egress.TrackSid is not null)
        {
            stream = EndTrack(egress).Stream;
        }

        egress.TrackSid = e.TrackSid;
        egress.EgressId = null;
        egress.Restarts = 0;
        egress.Error = null;
        egress.NotBefore = null;
        egress.Transcribing = e.Transcribe;
        egress.Phase = e.Transcribe ? EgressPhase.Starting : EgressPhase.Paused;
        return new(true, stream, egress.Phase == EgressPhase.Starting || egress.PendingStops.Count > 0 ? TimeSpan.Zero : null);
    }

    /// <summary>Unpublished before we heard of it (reordered webhooks): remember, so its late track_published is ignored.</summary>
    private static EgressDecision Forget(EgressRecord egress, string trackSid)
    {
        if (egress.EndedTracks.Contains(trackSid))
        {
            return EgressDecision.Nothing;
        }

        RememberEnded(egress, trackSid);
        return new(true);
    }

    private static EgressDecision Leave(EgressRecord egress, string participantSid)
    {
        if (participantSid.Length > 0)
        {
            egress.LeftSid = participantSid;
        }

        return egress.TrackSid is null ? new(true) : EndTrack(egress);
    }

    /// <summary>Stops transcribing the track: the stream at once, the egress from the egress work.</summary>
    private static EgressDecision EndTrack(EgressRecord egress)
    {
        RememberEnded(egress, egress.TrackSid!);
        egress.TrackSid = null;
        StopEgress(egress);
        egress.Phase = EgressPhase.None;
        return new(true, StreamAction.Stop, egress.PendingStops.Count > 0 ? TimeSpan.Zero : null);
    }

    private static EgressDecision SetTranscription(EgressRecord egress, bool active)
    {
        var changed = egress.Transcribing != active;
        egress.Transcribing = active;
        if (active && egress.Phase == EgressPhase.Paused)
        {
            egress.Phase = EgressPhase.Starting;
            return new(true, EgressWorkIn: TimeSpan.Zero);
        }

        if (!active && egress.Phase is not (EgressPhase.None or EgressPhase.Paused))
        {
            // The stream ends at the speaker's next pause first; the grain stops the egress after it.
            var stream = egress.Phase == EgressPhase.Attached ? StreamAction.EndAtPause : StreamAction.Stop;
            StopEgress(egress);
            egress.Phase = EgressPhase.Paused;
            return new(true, stream, egress.PendingStops.Count > 0 ? TimeSpan.Zero : null);
        }

        return new(changed);
    }

    private static EgressDecision Started(EgressRecord egress, EgressStarted e)
    {
        egress.EgressId = e.EgressId;
        egress.EgressSilo = e.Silo;
        egress.NotBefore = null;
        egress.Phase = EgressPhase.Running;
        return new(true, Outcome: EgressOutcome.Started);
    }

    private static EgressDecision Gone(EgressRecord egress)
    {
        RememberEnded(egress, egress.TrackSid!);
        egress.TrackSid = null;
        egress.Phase = EgressPhase.None;
        return new(true, Outcome: EgressOutcome.TrackGone);
    }

    private static EgressDecision Attach(EgressRecord egress, DateTimeOffset now)
    {
        egress.Epoch++;
        egress.AttachedAt = now;
        egress.Phase = EgressPhase.Attached;
        return new(true);
    }

    private EgressDecision IngestEnded(EgressRecord egress, IngestEnded e, DateTimeOffset now)
    {
        if (egress.Phase != EgressPhase.Attached || e.TrackSid != egress.TrackSid || e.Epoch != egress.Epoch)
        {
            return EgressDecision.Ignored; // an older stream, or a track we stopped ourselves
        }

        if (e.End == IngestEnd.EgressClosed)
        {
            // The egress finished on its own terms: LiveKit completes a track egress when the track ends, and the
            // track_unpublished that follows stops the rest. Restarting here would replay a finished track.
            return Complete(egress);
        }

        if (now - egress.AttachedAt >= EgressPolicy.HealthyStream)
        {
            egress.Restarts = 0;
        }

        return Lost(egress, egress.EgressId, $"ingest {e.End}: {e.Reason}", now);
    }

    private static EgressDecision Complete(EgressRecord egress)
    {
        egress.EgressId = null;
        egress.Phase = EgressPhase.Completed;
        return new(true);
    }

    /// <summary>The egress died while its track is still published: restart it with backoff, or give up visibly.</summary>
    private EgressDecision Lost(EgressRecord egress, string? egressId, string reason, DateTimeOffset now)
    {
        if (egressId is not null)
        {
            egress.PendingStops.Add(egressId); // it may linger half-alive; make sure LiveKit lets it go
        }

        egress.EgressId = null;
        if (egress.Restarts >= policy.RestartAttempts)
        {
            egress.Error = $"{reason} (gave up after {egress.Restarts} restarts)";
            egress.Phase = EgressPhase.GivenUp;
            return new(true, StreamAction.Stop, TimeSpan.Zero, EgressOutcome.GaveUp, egress.Error);
        }

        egress.Restarts++;
        var delay = policy.RestartDelay(egress.Restarts);
        egress.NotBefore = now + delay;
        egress.Phase = EgressPhase.Starting;
        return new(true, StreamAction.Stop, delay, EgressOutcome.Restarting, reason);
    }

    /// <summary>
    /// An egress started by an earlier activation dials the silo that activation lived on (the ingest URL names it),
    /// or was attached to a stream that died with that activation: either way it feeds nobody now. Start afresh here.
    /// </summary>
    private static EgressDecision Activate(EgressRecord egress, string silo)
    {
        if (egress.EgressId is { } old && (egress.EgressSilo != silo || egress.Phase == EgressPhase.Attached))
        {
            egress.PendingStops.Add(old);
            egress.EgressId = null;
            egress.NotBefore = null;
            egress.Phase = EgressPhase.Starting;
            return new(true, EgressWorkIn: TimeSpan.Zero, Outcome: EgressOutcome.Moved, Reason: egress.EgressSilo);
        }

        return Outstanding(egress, persist: false);
    }

    /// <summary>Runs the egress work now if an egress is owed a stop or the track lacks one (it honours a restart's backoff).</summary>
    private static EgressDecision Outstanding(EgressRecord egress, bool persist)
    {
        if (egress.Phase == EgressPhase.Completed)
        {
            // Its track_unpublished may have been lost with the silo: a start finds out (not_found ends the track).
            egress.Phase = EgressPhase.Starting;
            persist = true;
        }

        return new(persist, EgressWorkIn: egress.PendingStops.Count > 0 || egress.Phase == EgressPhase.Starting ? TimeSpan.Zero : null);
    }

    /// <summary>The activation on the target stops this egress before it starts its own.</summary>
    private static EgressDecision HandOff(EgressRecord egress)
    {
        if (egress.EgressId is not { } egressId)
        {
            return new(false, StreamAction.Stop);
        }

        egress.PendingStops.Add(egressId);
        egress.EgressId = null;
        egress.NotBefore = null;
        egress.Phase = EgressPhase.Starting;
        return new(true, StreamAction.Stop);
    }

    private static void StopEgress(EgressRecord egress)
    {
        if (egress.EgressId is { } egressId)
        {
            egress.PendingStops.Add(egressId);
        }

        egress.EgressId = null;
        egress.Error = null;
        egress.Restarts = 0;
        egress.NotBefore = null;
    }

    private static void RememberEnded(EgressRecord egress, string trackSid)
    {
        egress.EndedTracks.Add(trackSid);
        if (egress.EndedTracks.Count > EgressPolicy.EndedTracksKept)
        {
            egress.EndedTracks.RemoveAt(0);
        }
    }
}
