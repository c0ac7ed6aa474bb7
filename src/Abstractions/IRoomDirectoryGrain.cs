using Orleans.Concurrency;

namespace Scribe;

/// <summary>
/// The cluster's list of active and recently finished rooms (one grain, key <see cref="Key"/>). Rooms report
/// to it when they start or finish and, batched, when their speaker or segment counts change; it drops
/// finished rooms past the retention period and has their stored transcripts cleared.
/// </summary>
[Alias("scribe.room-directory-grain")]
public interface IRoomDirectoryGrain : IGrainWithIntegerKey
{
    const long Key = 0;

    /// <summary>Records the latest summary of a room. One-way: a room never waits on the directory, which is an index.</summary>
    [Alias("report"), OneWay] Task ReportAsync(RoomSummary summary);

    /// <summary>Active rooms first, then finished ones; most recently started first within each.</summary>
    [Alias("list")] Task<IReadOnlyList<RoomSummary>> ListAsync();

    /// <summary>Drops finished rooms past the retention period now (a timer does this too); returns how many went.</summary>
    [Alias("expire")] Task<int> ExpireAsync();

    /// <summary>Erases <paramref name="room"/> (<see cref="IRoomGrain.EraseAsync"/>) and, once it is gone, its entry here.</summary>
    [Alias("erase")] Task<RoomErasure> EraseAsync(string room);
}
