using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Scribe.Rooms;

/// <summary>
/// A room's transcript: segments of every speaker ordered by media start time, upserted by id.
/// Each accepted change bumps the revision, so readers can ask for what changed since a revision.
/// Not thread-safe: it lives inside one grain activation.
/// </summary>
public sealed class RoomTranscript
{
    private readonly Dictionary<string, TranscriptSegment> _byId = new(StringComparer.Ordinal);
    private readonly OrderedSegments _ordered = new();

    // Interim segments by track: what a stream that replaced a lost one may have to close.
    private readonly Dictionary<(string Speaker, string TrackSid), HashSet<string>> _open = [];

    // Every accepted change, in revision order. An entry is current while it is still the stored segment
    // for its id; superseded entries are skipped on read and compacted away once they outnumber the rest,
    // which keeps an upsert amortised O(1) here and ChangesSince proportional to what changed.
    private readonly List<TranscriptSegment> _changes = [];
    private int _superseded;

    // Readers get an immutable snapshot; it is built once per revision, not once per read.
    private ReadOnlyCollection<TranscriptSegment>? _snapshot;

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

            if (existing == segment with { Revision = existing.Revision })
            {
                return null;
            }
        }

        var stored = segment with { Revision = ++Revision };
        _byId[stored.Id] = stored;
        if (existing is null)
        {
            _ordered.Add(stored);
        }
        else
        {
            _ordered.Replace(existing, stored);
            _superseded++;
        }

        TrackOpen(stored);
        _changes.Add(stored);
        if (_superseded > _byId.Count + 64)
        {
            CompactChanges();
        }

        _snapshot = null;
        return stored;
    }

    /// <summary>
    /// A segment from a newer stream of a track means the older stream is gone (its silo died with it): the
    /// interims it left will never be finalised, so they are closed as final with the words they had. Closed are
    /// those of other streams of the same speaker and track that started no later than <paramref name="arrived"/>;
    /// should the old stream's real final still come, it replaces the closed one.
    /// </summary>
    /// <returns>The segments closed, as stored.</returns>
    public IReadOnlyList<TranscriptSegment> CloseAbandonedInterims(TranscriptSegment arrived)
    {
        ArgumentNullException.ThrowIfNull(arrived);
        if (!_open.TryGetValue((arrived.Speaker, arrived.TrackSid), out var open) || open.Count == 0)
        {
            return [];
        }

        var stream = StreamOf(arrived.Id);
        return Close(open.Select(id => _byId[id]).Where(s => StreamOf(s.Id) != stream && s.StartMs <= arrived.StartMs));
    }

    /// <summary>
    /// Closes every interim still open as final with the words it has: for a room that finished long enough ago that
    /// any stream able to finalise them has done so. A real final arriving later still replaces the closed one.
    /// </summary>
    /// <returns>The segments closed, as stored.</returns>
    public IReadOnlyList<TranscriptSegment> CloseOpenInterims() => Close(_open.Values.SelectMany(ids => ids).Select(id => _byId[id]));

    /// <summary>Makes <paramref name="interims"/> final with the words they have; read whole first, as closing changes the open sets.</summary>
    private List<TranscriptSegment> Close(IEnumerable<TranscriptSegment> interims) =>
        [.. interims.ToList().Select(s => Upsert(s with { IsFinal = true })!)];

    /// <summary>Whether any segment is still interim.</summary>
    public bool HasOpenInterims => _open.Values.Any(ids => ids.Count > 0);

    /// <summary>Segment ids are <c>{identity}:{trackSid}:{stream}.{generation}</c>: all but the generation names the stream.</summary>
    private static string StreamOf(string id)
    {
        var dot = id.LastIndexOf('.');
        return dot < 0 ? id : id[..dot];
    }

    private void TrackOpen(TranscriptSegment segment)
    {
        var key = (segment.Speaker, segment.TrackSid);
        if (!segment.IsFinal)
        {
            if (!_open.TryGetValue(key, out var open))
            {
                _open[key] = open = new HashSet<string>(StringComparer.Ordinal);
            }

            open.Add(segment.Id);
        }
        else if (_open.TryGetValue(key, out var open))
        {
            open.Remove(segment.Id);
        }
    }

    public bool TryGet(string id, [NotNullWhen(true)] out TranscriptSegment? segment) => _byId.TryGetValue(id, out segment);

    /// <summary>All segments in transcript order: a snapshot that later upserts do not change.</summary>
    public IReadOnlyList<TranscriptSegment> Segments => _snapshot ??= Array.AsReadOnly(_ordered.ToArray());

    /// <summary>Up to <paramref name="count"/> segments from position <paramref name="offset"/> in transcript order.</summary>
    public IReadOnlyList<TranscriptSegment> Page(int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Array.AsReadOnly(_ordered.Slice(offset, count));
    }

    /// <summary>The segments whose last change came after <paramref name="revision"/>, in transcript order.</summary>
    public TranscriptChanges ChangesSince(long revision)
    {
        if (revision <= 0)
        {
            return new TranscriptChanges(Revision, Segments);
        }

        if (revision >= Revision)
        {
            return new TranscriptChanges(Revision, Array.Empty<TranscriptSegment>());
        }

        var first = FirstChangeAfter(revision);
        var candidates = _changes.Count - first;
        if (candidates > _byId.Count / 4)
        {
            // A reader far behind: one ordered pass is cheaper than sorting most of the transcript.
            return new TranscriptChanges(Revision, _ordered.ChangedAfter(revision).AsReadOnly());
        }

        var changed = new List<TranscriptSegment>(candidates);
        for (var i = first; i < _changes.Count; i++)
        {
            var change = _changes[i];
            if (ReferenceEquals(_byId[change.Id], change))
            {
                changed.Add(change);
            }
        }

        changed.Sort(TranscriptOrder.Instance);
        return new TranscriptChanges(Revision, changed.AsReadOnly());
    }

    /// <summary>Rebuilds a transcript from stored segments, keeping their revisions.</summary>
    /// <remarks>Should an id appear twice, the copy with the higher revision wins.</remarks>
    public static RoomTranscript Restore(IEnumerable<TranscriptSegment> segments, long revision)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var transcript = new RoomTranscript();
        var maxRevision = revision;
        foreach (var segment in segments)
        {
            if (!transcript._byId.TryGetValue(segment.Id, out var seen) || seen.Revision < segment.Revision)
            {
                transcript._byId[segment.Id] = segment;
            }

            maxRevision = Math.Max(maxRevision, segment.Revision);
        }

        var ordered = transcript._byId.Values.ToArray();
        foreach (var segment in ordered)
        {
            transcript.TrackOpen(segment);
        }

        Array.Sort(ordered, TranscriptOrder.Instance);
        transcript._ordered.Load(ordered);

        var byRevision = (TranscriptSegment[])ordered.Clone();
        Array.Sort(byRevision, (x, y) => x.Revision.CompareTo(y.Revision));
        transcript._changes.AddRange(byRevision);

        transcript.Revision = maxRevision;
        return transcript;
    }

    private int FirstChangeAfter(long revision)
    {
        int lo = 0, hi = _changes.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_changes[mid].Revision <= revision)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private void CompactChanges()
    {
        _changes.RemoveAll(change => !ReferenceEquals(_byId[change.Id], change));
        _superseded = 0;
    }
}
