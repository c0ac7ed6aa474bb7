namespace Scribe.Rooms;

/// <summary>
/// The rooms the directory knows, by name, and which of them are past retention. Plain state so the
/// directory grain stays a thin shell around it; not thread-safe.
/// </summary>
[GenerateSerializer, Alias("scribe.room-directory")]
public sealed class RoomDirectory
{
    [Id(0)] public Dictionary<string, RoomSummary> Rooms { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="summary"/>; returns whether the change is worth persisting (a room came, or its state changed).</summary>
    public bool Report(RoomSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var known = Rooms.TryGetValue(summary.Name, out var previous);
        Rooms[summary.Name] = summary;
        return !known || previous!.State != summary.State || previous.FinishedAt != summary.FinishedAt || previous.StartedAt != summary.StartedAt;
    }

    /// <summary>Active rooms first, then finished ones; most recently started first within each.</summary>
    public IReadOnlyList<RoomSummary> List() =>
        [.. Rooms.Values.OrderBy(r => r.State).ThenByDescending(r => r.StartedAt).ThenBy(r => r.Name, StringComparer.Ordinal)];

    /// <summary>Finished rooms whose finish is <paramref name="retention"/> or more before <paramref name="now"/>.</summary>
    public IReadOnlyList<RoomSummary> Expired(DateTimeOffset now, TimeSpan retention) =>
        [.. Rooms.Values.Where(r => r.State == RoomState.Finished && r.FinishedAt is { } finished && now - finished >= retention)];

    public bool Remove(string room) => Rooms.Remove(room);
}
