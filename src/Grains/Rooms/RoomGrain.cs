using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Scribe.Captions;
using Scribe.Notifications;
using Scribe.Realtime;
using static Scribe.Rooms.RoomEvent;

namespace Scribe.Rooms;

/// <summary>
/// One LiveKit room: its lifecycle (<see cref="RoomLifecycle"/>, the one place its phase changes), its speakers, and
/// its transcript (<see cref="LiveTranscript"/>). The room directory hears of starts and finishes at once and of count
/// changes at most every <see cref="DirectoryReportPeriod"/>. Whether its speakers are transcribed at all is its
/// transcription status (RoomGrain.Transcription.cs); calls to its speakers are in RoomGrain.Speakers.cs.
/// </summary>
public sealed partial class RoomGrain(
    IOptions<TranscriberOptions> transcriberOptions,
    IOptions<TranscriptionActivationOptions> activation,
    ITranscriptDataChannel dataChannel,
    IBackendEvents backendEvents,
    TimeProvider time,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    /// <summary>The room record's state name in <see cref="StorageNames.Transcripts"/>, beside its transcript's head and chunks.</summary>
    private const string RecordName = "room";

    private static readonly TimeSpan InterimFlushPeriod = TimeSpan.FromMilliseconds(400);
    private static readonly TimeSpan DirectoryReportPeriod = TimeSpan.FromSeconds(2);

    // A stopped stream waits up to its final timeout for the last text; as long again covers delivery.
    private readonly RoomLifecycle _lifecycle = new(TimeSpan.FromMilliseconds(2 * transcriberOptions.Value.FinalTimeoutMs));
    private readonly GrainState<RoomRecord> _record = new(new RoomRecord());
    private IGrainStorage _storage = null!;
    private LiveTranscript _transcript = null!;

    private (int Speakers, int Segments) _reported;
    private DateTimeOffset _reportedAt;

    // Storage providers may leave State null for a record that does not exist yet.
    private RoomRecord State => _record.State ??= new RoomRecord();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // One storage for all the room keeps: its record, and its transcript's head and chunks.
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Transcripts);
        await _storage.ReadStateAsync(RecordName, this.GetGrainId(), _record, cancellationToken);
        _transcript = await LiveTranscript.LoadAsync(_storage, this.GetGrainId(), this.GetPrimaryKeyString(), time, logger, cancellationToken);
        _reported = (State.Speakers.Count, _transcript.Count);
        this.RegisterGrainTimer(OnTimerAsync, new GrainTimerCreationOptions(InterimFlushPeriod, InterimFlushPeriod));
        await AgentWantedAsync(); // Agent mode: a room that lost its silo rejoins from here
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        Task.WhenAll(DisposeAgentAsync(), _transcript.FlushAsync(cancellationToken));

    public async Task StartAsync()
    {
        var decision = _lifecycle.Apply(State, new Started(time.GetUtcNow()));
        if (!decision.Began)
        {
            return;
        }

        State.Name = this.GetPrimaryKeyString();
        var policyStarted = BeginSessionTranscription();
        await WriteRecordAsync();
        ReportToDirectory();
        LogRoomStarted(State.Name);
        if (policyStarted)
        {
            await RaiseAsync(TranscriptionStartedEvent, State.Transcription!);
        }
    }

    public async Task FinishAsync()
    {
        var decision = _lifecycle.Apply(State, new Finished(time.GetUtcNow()));
        if (!decision.Ended)
        {
            return;
        }

        await Task.WhenAll(TellSpeakersRoomFinishedAsync(), ApplyAgentAsync(new Agent.AgentEvent.RoomFinished()));
        var ended = EndSessionTranscription();
        if (decision.Persist)
        {
            await WriteRecordAsync();
        }

        if (ended is not null)
        {
            await RaiseAsync(TranscriptionStoppedEvent, ended);
        }

        await _transcript.FlushAsync(CancellationToken.None);
        ReportToDirectory();
        LogRoomFinished(this.GetPrimaryKeyString(), _transcript.Count);
    }

    public async Task<DateTimeOffset> GetClockOriginAsync()
    {
        if (State.Phase == RoomPhase.Unknown)
        {
            await StartAsync();
        }

        return State.ClockOrigin!.Value;
    }

    public Task<long> UpsertSegmentAsync(TranscriptSegment segment) => _transcript.UpsertAsync(segment);

    public Task<TranscriptChanges> GetChangesAsync(long sinceRevision) => Task.FromResult(_transcript.ChangesSince(sinceRevision));

    public Task<RoomSummary?> GetSummaryAsync() => Task.FromResult(Summary());

    public IAsyncEnumerable<TranscriptChanges> WatchAsync(long sinceRevision, CancellationToken cancellationToken = default) =>
        _transcript.WatchAsync(sinceRevision, cancellationToken);

    public async Task<bool> ExpireAsync(DateTimeOffset finishedBefore)
    {
        if (State.Phase == RoomPhase.Unknown)
        {
            return true; // nothing stored, or already cleared
        }

        if (!RoomLifecycle.HasFinished(State.Phase) || State.FinishedAt > finishedBefore)
        {
            ReportToDirectory();
            return false;
        }

        await EraseStoredAsync();
        return true;
    }

    public async Task<RoomErasure> EraseAsync()
    {
        if (State.Phase == RoomPhase.Unknown)
        {
            return RoomErasure.Unknown;
        }

        if (!RoomLifecycle.HasFinished(State.Phase))
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
        await EraseSpeakersAsync();
        await GrainFactory.GetGrain<IWebhookLedgerGrain>(room).EraseAsync();
        await _transcript.ClearAsync(CancellationToken.None);
        await _storage.ClearStateAsync(RecordName, this.GetGrainId(), _record);
        _record.State = new RoomRecord();
        DeactivateOnIdle();
        LogRoomErased(room);
    }

    private RoomSummary? Summary() => State.Phase == RoomPhase.Unknown
        ? null
        : new RoomSummary(State.Name, RoomLifecycle.StateOf(State.Phase), State.ClockOrigin!.Value, State.FinishedAt, [.. State.Speakers.Keys], _transcript.Count, _transcript.Revision);

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        await _transcript.FlushAsync(cancellationToken);
        if (State.Phase == RoomPhase.Finished)
        {
            await SettleAsync();
        }

        var counts = (State.Speakers.Count, _transcript.Count);
        if (counts != _reported && time.GetUtcNow() - _reportedAt >= DirectoryReportPeriod)
        {
            ReportToDirectory();
        }
    }

    /// <summary>
    /// A finished room whose transcript is complete and stored tells the backend (<c>transcript.ready</c>, once per
    /// finish): at once when every stream ended cleanly, after the wait when one vanished.
    /// </summary>
    private async Task SettleAsync()
    {
        var openInterims = _transcript.HasOpenInterims;
        var streamsEnded = !openInterims && await SpeakersStoppedAsync();
        var decision = _lifecycle.Apply(State, new Settling(time.GetUtcNow(), streamsEnded, openInterims));
        if (decision.CloseInterims)
        {
            _transcript.CloseOpenInterims();
            await _transcript.FlushAsync(CancellationToken.None);
        }

        if (!decision.AnnounceReady)
        {
            return;
        }

        await backendEvents.RaiseAsync(TranscriptReady.Of(State, _transcript.Current, time.GetUtcNow()));
        _lifecycle.Apply(State, new ReadyAnnounced());
        await WriteRecordAsync();
        LogTranscriptReady(State.Name, (time.GetUtcNow() - State.FinishedAt!.Value).TotalMilliseconds);
    }

    /// <summary>Writes the room record; on an etag conflict, takes the stored etag and writes this activation's record once more.</summary>
    private async Task WriteRecordAsync()
    {
        try
        {
            await _storage.WriteStateAsync(RecordName, this.GetGrainId(), _record);
        }
        catch (InconsistentStateException e)
        {
            LogRecordConflict(e, State.Name);
            var stored = new GrainState<RoomRecord>(new RoomRecord());
            await _storage.ReadStateAsync(RecordName, this.GetGrainId(), stored);
            foreach (var (identity, name) in stored.State?.Speakers ?? [])
            {
                State.Speakers.TryAdd(identity, name);
            }

            _record.ETag = stored.ETag;
            _record.RecordExists = stored.RecordExists;
            await _storage.WriteStateAsync(RecordName, this.GetGrainId(), _record);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} erased from storage")]
    private partial void LogRoomErased(string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} started")]
    private partial void LogRoomStarted(string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} finished with {Segments} segments")]
    private partial void LogRoomFinished(string room, int segments);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room}: transcript complete and stored, transcript.ready queued {AfterMs} ms after the finish")]
    private partial void LogTranscriptReady(string room, double afterMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: room record changed under this activation; writing again over the stored one")]
    private partial void LogRecordConflict(Exception exception, string room);
}
