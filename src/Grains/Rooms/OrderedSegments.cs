namespace Scribe.Rooms;

/// <summary>
/// Segments sorted by <see cref="TranscriptOrder"/>, kept as a list of small sorted blocks: an insert or a
/// removal shifts at most one block (not the whole transcript), and positions are found by binary search
/// over blocks, then within one block.
/// </summary>
internal sealed class OrderedSegments
{
    // Large enough that a 10,000-segment transcript is a few dozen blocks, small enough that shifting
    // one block on insert stays a few kilobytes of memmove.
    private const int MaxBlock = 512;

    private readonly List<List<TranscriptSegment>> _blocks = [];

    public int Count { get; private set; }

    /// <summary>Replaces the content with <paramref name="sorted"/>, which must already be in transcript order.</summary>
    public void Load(IReadOnlyList<TranscriptSegment> sorted)
    {
        _blocks.Clear();
        Count = sorted.Count;
        // Half-full blocks leave room for late segments without an immediate split.
        const int fill = MaxBlock / 2;
        for (var start = 0; start < sorted.Count; start += fill)
        {
            var block = new List<TranscriptSegment>(MaxBlock + 1);
            for (var i = start; i < Math.Min(start + fill, sorted.Count); i++)
            {
                block.Add(sorted[i]);
            }

            _blocks.Add(block);
        }
    }

    public void Add(TranscriptSegment segment)
    {
        if (_blocks.Count == 0)
        {
            _blocks.Add(new List<TranscriptSegment>(MaxBlock + 1) { segment });
            Count = 1;
            return;
        }

        var b = BlockFor(segment);
        var block = _blocks[b];
        var i = block.BinarySearch(segment, TranscriptOrder.Instance);
        if (i >= 0)
        {
            throw new InvalidOperationException($"Segment '{segment.Id}' is already in the transcript.");
        }

        block.Insert(~i, segment);
        Count++;
        if (block.Count > MaxBlock)
        {
            var half = block.Count / 2;
            var right = new List<TranscriptSegment>(MaxBlock + 1);
            right.AddRange(block.GetRange(half, block.Count - half));
            block.RemoveRange(half, block.Count - half);
            _blocks.Insert(b + 1, right);
        }
    }

    /// <summary>Puts <paramref name="current"/> where <paramref name="previous"/> was, moving it if its order key changed.</summary>
    public void Replace(TranscriptSegment previous, TranscriptSegment current)
    {
        if (TranscriptOrder.Instance.Compare(previous, current) == 0)
        {
            // Same start, speaker and id: the common interim-text update stays in place.
            var (b, i) = Find(previous);
            _blocks[b][i] = current;
            return;
        }

        Remove(previous);
        Add(current);
    }

    public void Remove(TranscriptSegment segment)
    {
        var (b, i) = Find(segment);
        var block = _blocks[b];
        block.RemoveAt(i);
        Count--;
        if (block.Count == 0)
        {
            _blocks.RemoveAt(b);
        }
    }

    public TranscriptSegment[] ToArray()
    {
        var result = new TranscriptSegment[Count];
        var at = 0;
        foreach (var block in _blocks)
        {
            block.CopyTo(result, at);
            at += block.Count;
        }

        return result;
    }

    /// <summary>Up to <paramref name="count"/> segments from position <paramref name="offset"/> in transcript order.</summary>
    public TranscriptSegment[] Slice(int offset, int count)
    {
        count = Math.Min(count, Count - offset);
        if (count <= 0)
        {
            return [];
        }

        var result = new TranscriptSegment[count];
        var b = 0;
        while (offset >= _blocks[b].Count)
        {
            offset -= _blocks[b].Count;
            b++;
        }

        for (var at = 0; at < count; b++, offset = 0)
        {
            var take = Math.Min(_blocks[b].Count - offset, count - at);
            _blocks[b].CopyTo(offset, result, at, take);
            at += take;
        }

        return result;
    }

    /// <summary>Segments whose revision is above <paramref name="revision"/>, in transcript order.</summary>
    public List<TranscriptSegment> ChangedAfter(long revision)
    {
        var result = new List<TranscriptSegment>();
        foreach (var block in _blocks)
        {
            foreach (var segment in block)
            {
                if (segment.Revision > revision)
                {
                    result.Add(segment);
                }
            }
        }

        return result;
    }

    private (int Block, int Index) Find(TranscriptSegment segment)
    {
        var b = _blocks.Count == 0 ? -1 : BlockFor(segment);
        var i = b < 0 ? -1 : _blocks[b].BinarySearch(segment, TranscriptOrder.Instance);
        if (i < 0)
        {
            throw new InvalidOperationException($"Segment '{segment.Id}' is not in the transcript.");
        }

        return (b, i);
    }

    /// <summary>The first block whose last segment is not before <paramref name="segment"/>, else the last block.</summary>
    private int BlockFor(TranscriptSegment segment)
    {
        int lo = 0, hi = _blocks.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (TranscriptOrder.Instance.Compare(_blocks[mid][^1], segment) < 0)
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
}
