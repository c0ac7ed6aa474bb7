namespace Scribe.Rooms;

/// <summary>
/// A room's transcript: segments of every speaker ordered by media start time, upserted by id.
/// Each accepted change bumps the revision, so readers can ask for what changed since a revision.
/// </summary>
public sealed class RoomTranscript
{
    private readonly Dictionary<string, TranscriptSegment> _byId = new(StringComparer.Ordinal);
    private readonly SortedSet<TranscriptSegment> _ordered = new(TranscriptOrder.Instance);

    public long Revision { get; private set; }

    public int Count => _byId.Count;

    /// <summary>
    /// Inserts or replaces <paramref name="segment"/> by id. A final segment is never turned back into an
    /// interim one, and an update that changes nothing does not bump the revision.
    /// </summary>
    /// <returns>The stored segment (with its revision), or null when the update was ignored.</returns>
    public TranscriptSegment? Upsert(TranscriptSegment segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (_byId.TryGetValue(segment.Id, out var existing))
        {
            if (existing.IsFinal && !segment.IsFinal)
            {
                return null;
            }

            if (existing with { Revision = 0 } == segment with { Revision = 0 })
            {
                return null;
            }

            _ordered.Remove(existing);
        }

        var stored = segment with { Revision = ++Revision };
        _byId[stored.Id] = stored;
        _ordered.Add(stored);
        return stored;
    }

    public bool TryGet(string id, out TranscriptSegment? segment) => _byId.TryGetValue(id, out segment);

    /// <summary>All segments in transcript order.</summary>
    public IReadOnlyList<TranscriptSegment> Segments => [.. _ordered];

    /// <summary>The segments whose last change came after <paramref name="revision"/>, in transcript order.</summary>
    public TranscriptChanges ChangesSince(long revision)
    {
        var changed = revision <= 0 ? [.. _ordered] : _ordered.Where(s => s.Revision > revision).ToList();
        return new TranscriptChanges(Revision, changed);
    }

    /// <summary>Rebuilds a transcript from stored segments, keeping their revisions.</summary>
    public static RoomTranscript Restore(IEnumerable<TranscriptSegment> segments, long revision)
    {
        var transcript = new RoomTranscript();
        foreach (var segment in segments)
        {
            transcript._byId[segment.Id] = segment;
            transcript._ordered.Add(segment);
        }

        transcript.Revision = Math.Max(revision, transcript._byId.Values.Select(s => s.Revision).DefaultIfEmpty(0).Max());
        return transcript;
    }
}
