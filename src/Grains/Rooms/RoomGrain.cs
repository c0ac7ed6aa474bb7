using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Scribe.Participants;

namespace Scribe.Rooms;

/// <summary>
/// One LiveKit room: starts and stops its speakers, and merges their segments into the room transcript.
/// A final segment is persisted before its upsert is acknowledged; interim updates are written in batches.
/// </summary>
public sealed partial class RoomGrain(
    [PersistentState("room", "transcripts")] IPersistentState<RoomRecord> record,
    TimeProvider time,
    ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    public const string StorageName = "transcripts";
    private static readonly TimeSpan InterimFlushPeriod = TimeSpan.FromMilliseconds(400);

    private RoomTranscript _transcript = new();
    private TranscriptStore _store = null!;

    private RoomRecord State => record.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _store = new TranscriptStore(ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageName), this.GetGrainId());
        _transcript = await _store.LoadAsync(cancellationToken);
        this.RegisterGrainTimer(FlushInterimAsync, new GrainTimerCreationOptions(InterimFlushPeriod, InterimFlushPeriod));
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await _store.FlushAsync(_transcript, cancellationToken);

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
        await record.WriteStateAsync();
        LogRoomStarted(State.Name);
    }

    public async Task ParticipantJoinedAsync(ParticipantInfo participant)
    {
        await StartAsync();
        if (State.Speakers.TryAdd(participant.Identity, participant.Name))
        {
            await record.WriteStateAsync();
        }
    }

    public async Task TrackPublishedAsync(ParticipantInfo participant, TrackInfo track)
    {
        await ParticipantJoinedAsync(participant);
        await Participant(participant.Identity).StartTrackAsync(participant, track);
    }

    public Task TrackUnpublishedAsync(ParticipantInfo participant, string trackSid) =>
        Participant(participant.Identity).StopTrackAsync(trackSid);

    public Task ParticipantLeftAsync(ParticipantInfo participant) => Participant(participant.Identity).LeaveAsync();

    public async Task FinishAsync()
    {
        if (State.State == RoomState.Finished)
        {
            return;
        }

        await Task.WhenAll(State.Speakers.Keys.Select(identity => Participant(identity).LeaveAsync()));
        State.State = RoomState.Finished;
        State.FinishedAt = time.GetUtcNow();
        await record.WriteStateAsync();
        await _store.FlushAsync(_transcript, CancellationToken.None);
        LogRoomFinished(State.Name, _transcript.Count);
    }

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
        if (stored.IsFinal)
        {
            // Acknowledged means stored: a final segment survives the loss of this silo.
            await _store.FlushAsync(_transcript, CancellationToken.None);
        }

        return _transcript.Revision;
    }

    public Task<TranscriptChanges> GetChangesAsync(long sinceRevision) => Task.FromResult(_transcript.ChangesSince(sinceRevision));

    public Task<RoomSummary?> GetSummaryAsync()
    {
        if (State.ClockOrigin is null)
        {
            return Task.FromResult<RoomSummary?>(null);
        }

        return Task.FromResult<RoomSummary?>(new RoomSummary(
            State.Name, State.State, State.ClockOrigin.Value, State.FinishedAt, [.. State.Speakers.Keys], _transcript.Count, _transcript.Revision));
    }

    private Task FlushInterimAsync(CancellationToken cancellationToken) => _store.FlushAsync(_transcript, cancellationToken);

    private IParticipantGrain Participant(string identity) =>
        GrainFactory.GetGrain<IParticipantGrain>(ParticipantKey.Of(this.GetPrimaryKeyString(), identity));

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} started")]
    private partial void LogRoomStarted(string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} finished with {Segments} segments")]
    private partial void LogRoomFinished(string room, int segments);
}
