namespace Scribe.Rooms;

/// <summary>Transcript order: media start time, then speaker, then id, so ties break the same way everywhere.</summary>
public sealed class TranscriptOrder : IComparer<TranscriptSegment>
{
    public static readonly TranscriptOrder Instance = new();

    public int Compare(TranscriptSegment? x, TranscriptSegment? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var byStart = x.StartMs.CompareTo(y.StartMs);
        if (byStart != 0)
        {
            return byStart;
        }

        var bySpeaker = string.CompareOrdinal(x.Speaker, y.Speaker);
        return bySpeaker != 0 ? bySpeaker : string.CompareOrdinal(x.Id, y.Id);
    }
}
