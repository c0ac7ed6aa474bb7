using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Scribe.Captions;
using Scribe.Notifications;
using Scribe.Participants;
using Scribe.Realtime;

namespace Scribe.Rooms;

/// <summary>
/// One LiveKit room: starts and stops its speakers, and merges their segments into the room transcript.
/// A final segment is persisted before its upsert is acknowledged; interim updates are written in batches.
/// Watchers (<see cref="WatchAsync"/>) are woken on every accepted change; the room directory hears of
/// starts and finishes at once and of count changes at most every <see cref="DirectoryReportPeriod"/>.
/// Whether its speakers are transcribed at all is its transcription status (RoomGrain.Transcription.cs).
/// </summary>
public sealed partial class RoomGrain(
    [PersistentState("room", "transcripts")] IPersistentState<RoomRecord> record,
    IOptions<TranscriberOptions> transcriberOptions,
    IOptions<TranscriptionActivationOptions> activation,
    ITranscriptDataChannel dataChannel,
    IBackendEvents backendEvents,
    TimeProvider time,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    public const string StorageName = "transcripts";
    private static readonly TimeSpan InterimFlushPeriod = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan DirectoryReportPeriod = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WatchPulse = TimeSpan.FromSeconds(1);

    private RoomTranscript _transcript = new();
    private TranscriptStore _store = null!;
    private IGrainStorage _storage = null!;

    // Completed and replaced on every accepted change: what waiting watchers await.
    private TaskCompletionSource _changed = NewSignal();

    private (int Speakers, int Segments) _reported;
    private DateTimeOffset _reportedAt;

    private RoomRecord State => record.State;

    /// <summary>A stopped stream waits up to its final timeout for the last text; as long again covers delivery.</summary>
    private TimeSpan AbandonedAfterFinish => TimeSpan.FromMilliseconds(2 * transcriberOptions.Value.FinalTimeoutMs);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageName);
        _store = new TranscriptStore(_storage, this.GetGrainId());
        _transcript = await _store.LoadAsync(cancellationToken);
        _reported = (State.Speakers.Count, _transcript.Count);
        this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(InterimFlushPeriod, InterimFlushPeriod));
        await AgentWantedAsync(); // Agent mode: a room that lost its silo rejoins from here
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        Task.WhenAll(DisposeAgentAsync(), FlushTranscriptAsync(cancellationToken));

    public async Task StartAsync()
    {
        if (State.ClockOrigin is not null && State.State == RoomState.Active)
        {
            return;
        }

        State.Name = this.GetPrimaryKeyString();
        State.ClockOrigin ??= time.GetUtcNow();
        State.State = RoomState.Active;
        State.FinishedAt = null;
        var policyStarted = BeginSessionTranscription();
        await WriteRecordAsync();
        ReportToDirectory();
        LogRoomStarted(State.Name);
        if (policyStarted)
        {
            await RaiseAsync(TranscriptionStartedEvent, State.Transcription!);
        }
    }

    public async Task ParticipantJoinedAsync(ParticipantInfo participant)
    {
        await KnowParticipantAsync(participant);
        if (IsTranscribing)
        {
            Announce(participant.Identity); // a newcomer learns that captions are on
        }
    }

    public async Task TrackPublishedAsync(ParticipantInfo participant, TrackInfo track)
    {
        await KnowParticipantAsync(participant);
        // Always forwarded: a speaker of a room not transcribed now keeps its track known for a later start.
        await Participant(participant.Identity).StartTrackAsync(participant, track, IsTranscribing);
    }

    private async Task KnowParticipantAsync(ParticipantInfo participant)
    {
        await StartAsync();
        if (State.Speakers.TryAdd(participant.Identity, participant.Name))
        {
            await WriteRecordAsync();
        }

        await AgentWantedAsync(); // Agent mode: someone to transcribe is in the room
    }

    public async Task FinishAsync()
    {
        if (State.State == RoomState.Finished)
        {
            return;
        }

        await Task.WhenAll([.. State.Speakers.Keys.Select(identity => Participant(identity).RoomFinishedAsync()), ApplyAgentAsync(new Agent.AgentEvent.RoomFinished())]);
        var ended = EndSessionTranscription();
        State.State = RoomState.Finished;
        State.FinishedAt = time.GetUtcNow();
        await WriteRecordAsync();
        if (ended is not null)
        {
            await RaiseAsync(TranscriptionStoppedEvent, ended);
        }

        await FlushTranscriptAsync(CancellationToken.None);
        ReportToDirectory();
        LogRoomFinished(State.Name, _transcript.Count);
    }

    public Task ResumeSpeakersAsync() => State.State == RoomState.Active
        ? Task.WhenAll([.. State.Speakers.Keys.Select(identity => Participant(identity).ResumeAsync()), AgentWantedAsync()])
        : Task.CompletedTask;

    public async Task<DateTimeOffset> GetClockOriginAsync()
    {
        if (State.ClockOrigin is null)
        {
            await StartAsync();
        }

        return State.ClockOrigin!.Value;
    }

    public async Task<long> UpsertSegmentAsync(TranscriptSegment segment)
    {
        var stored = _transcript.Upsert(segment);
        if (stored is null)
        {
            return _transcript.Revision;
        }

        _store.Track(stored);
        foreach (var closed in _transcript.CloseAbandonedInterims(stored))
        {
            LogInterimClosed(State.Name, closed.Id);
            _store.Track(closed);
        }

        if (stored.IsFinal)
        {
            // Acknowledged means stored: a final segment survives the loss of this silo.
            await FlushTranscriptAsync(CancellationToken.None);
        }

        Signal();
        return _transcript.Revision;
    }

    public Task<TranscriptChanges> GetChangesAsync(long sinceRevision) => Task.FromResult(_transcript.ChangesSince(sinceRevision));

    public Task<RoomSummary?> GetSummaryAsync() => Task.FromResult(Summary());

    public async IAsyncEnumerable<TranscriptChanges> WatchAsync(long sinceRevision, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Orleans interleaves this enumeration with the room's other calls; every step below runs on the
        // activation's scheduler, so reading the transcript between awaits is safe.
        var since = Math.Max(0, sinceRevision);
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = _changed.Task;
            if (_transcript.Revision > since)
            {
                var changes = _transcript.ChangesSince(since);
                since = changes.Revision;
                yield return changes;
                continue;
            }

            if (!await WaitForChangeAsync(changed, cancellationToken))
            {
                // An empty step now and then ends the enumeration's in-flight request, so a deactivation of
                // this room (which waits for running requests) is not held up, and with it every upsert.
                yield return new TranscriptChanges(since, []);
            }
        }
    }

    public async Task<bool> ExpireAsync(DateTimeOffset finishedBefore)
    {
        if (State.ClockOrigin is null)
        {
            return true; // nothing stored, or already cleared
        }

        if (State.State != RoomState.Finished || State.FinishedAt > finishedBefore)
        {
            ReportToDirectory();
            return false;
        }

        await EraseStoredAsync();
        return true;
    }

    public async Task<RoomErasure> EraseAsync()
    {
        if (State.ClockOrigin is null)
        {
            return RoomErasure.Unknown;
        }

        if (State.State == RoomState.Active)
        {
            return RoomErasure.Active;
        }

        await EraseStoredAsync();
        return RoomErasure.Erased;
    }

    /// <summary>Deletes everything stored for this room, the speakers' records and webhook ledger included, and deactivates.</summary>
    private async Task EraseStoredAsync()
    {
        var room = this.GetPrimaryKeyString();
        await Task.WhenAll(State.Speakers.Keys.Select(identity => Participant(identity).EraseAsync()));
        await GrainFactory.GetGrain<IWebhookLedgerGrain>(room).EraseAsync();
        await _store.ClearAsync(CancellationToken.None);
        await record.ClearStateAsync();
        record.State = new RoomRecord();
        _store = new TranscriptStore(_storage, this.GetGrainId());
        _transcript = await _store.LoadAsync(CancellationToken.None);
        Signal();
        DeactivateOnIdle();
        LogRoomErased(room);
    }

    private RoomSummary? Summary() => State.ClockOrigin is null
        ? null
        : new RoomSummary(State.Name, State.State, State.ClockOrigin.Value, State.FinishedAt, [.. State.Speakers.Keys], _transcript.Count, _transcript.Revision);

    /// <returns>False when the pulse period passed without a change.</returns>
    private async Task<bool> WaitForChangeAsync(Task changed, CancellationToken cancellationToken)
    {
        try
        {
            await changed.WaitAsync(WatchPulse, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        if (State.State == RoomState.Finished && _transcript.HasOpenInterims && time.GetUtcNow() - State.FinishedAt >= AbandonedAfterFinish)
        {
            // Every stream of the room has been stopped and had a final timeout to deliver: what is still interim
            // came from a stream that was lost (its silo died) and whose speaker never spoke again.
            foreach (var closed in _transcript.CloseOpenInterims())
            {
                LogInterimClosed(State.Name, closed.Id);
                _store.Track(closed);
            }

            Signal();
        }

        await FlushTranscriptAsync(cancellationToken);
        await AnnounceTranscriptReadyAsync();
        var counts = (State.Speakers.Count, _transcript.Count);
        if (counts != _reported && time.GetUtcNow() - _reportedAt >= DirectoryReportPeriod)
        {
            ReportToDirectory();
        }
    }

    /// <summary>
    /// Once a finished room's streams have all had their final timeout and what they left open is closed and
    /// flushed, the transcript is complete: the backend hears <c>transcript.ready</c>, once per finish.
    /// </summary>
    private async Task AnnounceTranscriptReadyAsync()
    {
        if (State.State != RoomState.Finished || State.FinishedAt is not { } finishedAt || State.TranscriptReadyFor == finishedAt
            || time.GetUtcNow() - finishedAt < AbandonedAfterFinish || _transcript.HasOpenInterims)
        {
            return;
        }

        var ready = TranscriptReady.Of(State, _transcript, time.GetUtcNow());
        await backendEvents.RaiseAsync(ready);
        State.TranscriptReadyFor = finishedAt;
        await WriteRecordAsync();
    }

    /// <summary>Flushes the transcript; on a storage etag conflict, reloads, keeps what either side has, and writes once more.</summary>
    private async Task FlushTranscriptAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _store.FlushAsync(_transcript, cancellationToken);
        }
        catch (InconsistentStateException e)
        {
            // Another activation of this room (a duplicate during a membership change) or an out-of-band
            // writer got there first. Keep every segment either of us has, final text winning, then overwrite.
            LogTranscriptConflict(e, State.Name);
            var fresh = new TranscriptStore(_storage, this.GetGrainId());
            var stored = await fresh.LoadAsync(cancellationToken);
            var merged = TranscriptMerge.Merge(_transcript, stored);
            foreach (var segment in merged.Segments)
            {
                fresh.Track(segment);
            }

            _store = fresh;
            _transcript = merged;
            await _store.FlushAsync(_transcript, cancellationToken);
            Signal();
        }
    }

    /// <summary>Writes the room record; on an etag conflict, takes the stored etag and writes this activation's record once more.</summary>
    private async Task WriteRecordAsync()
    {
        try
        {
            await record.WriteStateAsync();
        }
        catch (InconsistentStateException e)
        {
            LogRecordConflict(e, State.Name);
            var mine = record.State;
            await record.ReadStateAsync();
            foreach (var (identity, name) in record.State.Speakers)
            {
                mine.Speakers.TryAdd(identity, name);
            }

            record.State = mine;
            await record.WriteStateAsync();
        }
    }

    private void ReportToDirectory()
    {
        if (Summary() is not { } summary)
        {
            return;
        }

        _reported = (summary.Speakers.Count, summary.SegmentCount);
        _reportedAt = time.GetUtcNow();
        // One-way: the call returns at once, and a lost report is repaired by the next one.
        _ = GrainFactory.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key).ReportAsync(summary);
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IParticipantGrain Participant(string identity) =>
        GrainFactory.GetGrain<IParticipantGrain>(ParticipantKey.Of(this.GetPrimaryKeyString(), identity));

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} erased from storage")]
    private partial void LogRoomErased(string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} started")]
    private partial void LogRoomStarted(string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: segment {SegmentId} was left open by a lost stream; closed with the words it had")]
    private partial void LogInterimClosed(string room, string segmentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} finished with {Segments} segments")]
    private partial void LogRoomFinished(string room, int segments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: transcript storage changed under this activation; reloaded, merged and writing again")]
    private partial void LogTranscriptConflict(Exception exception, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: room record changed under this activation; writing again over the stored one")]
    private partial void LogRecordConflict(Exception exception, string room);
}
