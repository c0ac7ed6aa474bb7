using Orleans.Concurrency;

namespace Scribe;

/// <summary>One LiveKit room (key: room name): its speakers, its lifecycle and its transcript.</summary>
[Alias("scribe.room-grain")]
public interface IRoomGrain : IGrainWithStringKey
{
    [Alias("start")] Task StartAsync();
    [Alias("participant-joined")] Task ParticipantJoinedAsync(ParticipantInfo participant);
    [Alias("track-published")] Task TrackPublishedAsync(ParticipantInfo participant, TrackInfo track);
    [Alias("finish")] Task FinishAsync();

    /// <summary>
    /// Transcribes the room from now on (a room not yet reported by LiveKit, from when its speakers appear).
    /// Idempotent: while transcription is on, the status is returned unchanged.
    /// </summary>
    [Alias("start-transcription")] Task<TranscriptionStatus> StartTranscriptionAsync(TranscriptionRequest request);

    /// <summary>Stops transcribing: each speaker's stream ends at its next pause, its last utterance delivered; the transcript stays.</summary>
    [Alias("stop-transcription")] Task<TranscriptionStatus> StopTranscriptionAsync(string requestedBy);

    [Alias("transcription")] Task<TranscriptionStatus> GetTranscriptionAsync();

    /// <summary>
    /// LiveKit ended agent job <paramref name="jobId"/>: the transcription it started stops (as
    /// <see cref="StopTranscriptionAsync"/> by <c>dispatch</c>) while the job is still this room's, i.e. while the
    /// agent's session under the job's identity has not ended. LiveKit also ends a job when its agent leaves the room,
    /// which our own rejoin (a lost connection, a media restart, a silo loss) does to the old session: that ending is
    /// bookkeeping, not a request to stop. Returns whether it stopped the transcription.
    /// </summary>
    [Alias("end-dispatched-job")] Task<bool> EndDispatchedJobAsync(string jobId);

    /// <summary>
    /// A silo of the cluster died: wakes each of the room's speakers, so one that lived there is activated again
    /// on a live silo and restarts its egress there. Speakers that never left their silo see a no-op.
    /// </summary>
    [Alias("resume-speakers")] Task ResumeSpeakersAsync();

    /// <summary>Media-clock origin of the room: segment times count from here.</summary>
    [Alias("clock-origin")] Task<DateTimeOffset> GetClockOriginAsync();

    /// <summary>Inserts or replaces a segment by id; returns the room revision after the change.</summary>
    [Alias("upsert")] Task<long> UpsertSegmentAsync(TranscriptSegment segment);

    [Alias("changes")] Task<TranscriptChanges> GetChangesAsync(long sinceRevision);
    [Alias("summary")] Task<RoomSummary?> GetSummaryAsync();

    /// <summary>
    /// The changes after <paramref name="sinceRevision"/> as they happen: each item holds every segment changed
    /// since the previous item (or since <paramref name="sinceRevision"/> for the first), so consecutive items
    /// never leave a gap. An item with no segments is a pulse (about once a second while nothing changes) that
    /// keeps a deactivation of the room from waiting on the watch. Runs until cancelled; a deactivation of the room ends it with
    /// <c>EnumerationAbortedException</c>, after which the caller resubscribes from the last revision it saw.
    /// </summary>
    [Alias("watch")] IAsyncEnumerable<TranscriptChanges> WatchAsync(long sinceRevision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets a finished room: clears its stored transcript and record. Refused (false) unless the room is
    /// finished and was finished at or before <paramref name="finishedBefore"/>, so a room that started again is kept.
    /// </summary>
    [Alias("expire")] Task<bool> ExpireAsync(DateTimeOffset finishedBefore);

    /// <summary>
    /// Erases the room from storage: its transcript, its record, its speakers' records and its webhook ledger.
    /// Refused while the room is active (its speakers would write again); its directory entry is the caller's
    /// (<see cref="IRoomDirectoryGrain.EraseAsync"/>).
    /// </summary>
    [Alias("erase")] Task<RoomErasure> EraseAsync();

    /// <summary>Agent mode: the room's agent connection (a service on this grain's silo) reports what happened to it.</summary>
    [OneWay, Alias("agent-report")] Task AgentReportAsync(AgentReport report, string reason);

    /// <summary>Agent mode: this silo is stopping; the room moves to <paramref name="target"/>, whose activation joins the room again.</summary>
    [Alias("agent-hand-off")] Task HandOffAgentAsync(SiloAddress target);
}
