using Microsoft.Extensions.Logging;

namespace Scribe.Rooms;

/// <summary>
/// A silo's live transcripts: one watch on a room grain per room with readers on this silo, fanned out to
/// every reader's channel, so a hundred browsers on one silo cost the room one subscription.
/// </summary>
/// <remarks>
/// The watch starts at the room's revision when the first reader arrives and stops when the last one leaves.
/// If the room deactivates (the watch ends with <see cref="EnumerationAbortedException"/>) or a call fails,
/// the watch is taken up again from the last revision it delivered, so updates stay contiguous.
/// </remarks>
public sealed partial class RoomTranscriptFeed(IGrainFactory grains, ILogger<RoomTranscriptFeed> logger) : IAsyncDisposable
{
    /// <summary>Updates a reader may fall behind by before its oldest are dropped (it then catches up from the room).</summary>
    public const int ReaderCapacity = 256;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    /// <summary>Rooms this silo currently watches.</summary>
    public int WatchedRooms
    {
        get
        {
            lock (_gate)
            {
                return _rooms.Count;
            }
        }
    }

    /// <summary>Readers of <paramref name="room"/> on this silo; however many there are, the room is watched once.</summary>
    public int ReadersOf(string room)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(room, out var watched) ? watched.Readers.Count : 0;
        }
    }

    /// <summary>Starts receiving the updates of <paramref name="room"/> published from now on.</summary>
    public TranscriptSubscription Subscribe(string room)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var watched))
            {
                watched = new Room(room);
                _rooms[room] = watched;
                watched.Pump = Task.Run(() => WatchAsync(watched));
            }

            var subscription = new TranscriptSubscription(room, ReaderCapacity, Leave);
            watched.Readers.Add(subscription);
            return subscription;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Room[] rooms;
        lock (_gate)
        {
            rooms = [.. _rooms.Values];
            _rooms.Clear();
        }

        foreach (var room in rooms)
        {
            await room.Stop.CancelAsync();
            await room.Pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            room.Stop.Dispose();
        }
    }

    private void Leave(TranscriptSubscription subscription)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(subscription.Room, out var room) || !room.Readers.Remove(subscription) || room.Readers.Count > 0)
            {
                return;
            }

            _rooms.Remove(subscription.Room);
            room.Stop.Cancel();
        }
    }

    private async Task WatchAsync(Room room)
    {
        var grain = grains.GetGrain<IRoomGrain>(room.Name);
        var cancellation = room.Stop.Token;
        long? since = null;
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                since ??= (await grain.GetChangesAsync(long.MaxValue).WaitAsync(cancellation)).Revision;
                await foreach (var changes in grain.WatchAsync(since.Value, cancellation).WithCancellation(cancellation))
                {
                    if (changes.Segments.Count > 0)
                    {
                        // Empty steps are the room's pulse (see RoomGrain.WatchAsync): nothing for readers.
                        Publish(room, new TranscriptUpdate(since.Value, changes));
                    }

                    since = Math.Max(since.Value, changes.Revision);
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                break;
            }
            catch (EnumerationAbortedException)
            {
                LogWatchAborted(room.Name, since ?? 0);
            }
            catch (Exception e)
            {
                LogWatchFailed(e, room.Name, since ?? 0);
                try
                {
                    await Task.Delay(RetryDelay, cancellation);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private void Publish(Room room, TranscriptUpdate update)
    {
        lock (_gate)
        {
            foreach (var reader in room.Readers)
            {
                reader.Publish(update);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of room {Room} ended by a deactivation; resuming from revision {Revision}")]
    private partial void LogWatchAborted(string room, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of room {Room} failed; resuming from revision {Revision}")]
    private partial void LogWatchFailed(Exception exception, string room, long revision);

    private sealed class Room(string name)
    {
        public string Name { get; } = name;

        public List<TranscriptSubscription> Readers { get; } = [];

        public CancellationTokenSource Stop { get; } = new();

        public Task Pump { get; set; } = Task.CompletedTask;
    }
}
