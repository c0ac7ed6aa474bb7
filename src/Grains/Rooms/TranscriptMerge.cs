namespace Scribe.Rooms;

/// <summary>
/// Joins this activation's transcript with one found in storage after a write conflict, so that no segment
/// either side acknowledged is lost and final text is never replaced by interim text.
/// </summary>
public static class TranscriptMerge
{
    /// <returns>
    /// A transcript holding every segment of <paramref name="mine"/>, plus the stored segments it lacks or holds
    /// only as interim. Its revision is above both inputs', and the adopted segments get new revisions so
    /// readers who follow revisions see them as changes.
    /// </returns>
    public static RoomTranscript Merge(RoomTranscript mine, RoomTranscript stored)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(stored);
        var adopted = stored.Segments
            .Where(theirs => !mine.TryGet(theirs.Id, out var own) || (theirs.IsFinal && !own.IsFinal))
            .ToList();
        var merged = RoomTranscript.Restore(mine.Segments, Math.Max(mine.Revision, stored.Revision));
        foreach (var segment in adopted)
        {
            merged.Upsert(segment);
        }

        return merged;
    }
}
