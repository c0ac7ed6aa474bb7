using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scribe.Rooms;

/// <summary>
/// The cluster-wide room list. Starts, finishes and expiries are persisted at once; count updates only live
/// in memory until the next persisted change, since the rooms report them again anyway.
/// </summary>
public sealed partial class RoomDirectoryGrain(
    [PersistentState("directory", StorageNames.Transcripts)] IPersistentState<RoomDirectory> directory,
    IOptions<TranscriptOptions> options,
    TimeProvider time,
    ILogger<RoomDirectoryGrain> logger) : Grain, IRoomDirectoryGrain
{
    private RoomDirectory Rooms => directory.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var period = options.Value.SweepPeriod;
        // Kept alive by its timer: retention must run even when no room reports for a long time.
        this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task ReportAsync(RoomSummary summary)
    {
        if (Rooms.Report(summary))
        {
            await directory.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<RoomSummary>> ListAsync() => Task.FromResult(Rooms.List());

    public async Task<int> ExpireAsync()
    {
        var retention = options.Value.Retention;
        var cutoff = time.GetUtcNow() - retention;
        var dropped = 0;
        foreach (var room in Rooms.Expired(time.GetUtcNow(), retention))
        {
            try
            {
                // A room that started again refuses and reports itself as active; it stays listed either way.
                if (await GrainFactory.GetGrain<IRoomGrain>(room.Name).ExpireAsync(cutoff))
                {
                    Rooms.Remove(room.Name);
                    dropped++;
                    LogRoomExpired(room.Name, room.FinishedAt);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The next sweep tries again: the entry stays until its transcript is really gone.
                LogExpiryFailed(e, room.Name);
            }
        }

        if (dropped > 0)
        {
            await directory.WriteStateAsync();
        }

        return dropped;
    }

    public async Task<RoomErasure> EraseAsync(string room)
    {
        var erasure = await GrainFactory.GetGrain<IRoomGrain>(room).EraseAsync();
        // An unknown room may still be listed after an expiry cut short; either way the entry goes.
        if (erasure != RoomErasure.Active && Rooms.Remove(room))
        {
            await directory.WriteStateAsync();
            LogRoomErased(room);
            return RoomErasure.Erased;
        }

        return erasure;
    }

    private Task SweepAsync(CancellationToken cancellationToken) => ExpireAsync();

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room}, finished at {FinishedAt}, is past retention: its transcript was cleared")]
    private partial void LogRoomExpired(string room, DateTimeOffset? finishedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} was erased on request")]
    private partial void LogRoomErased(string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not expire room {Room}; will retry")]
    private partial void LogExpiryFailed(Exception exception, string room);
}
