namespace Scribe.Tests.Rooms;

public sealed class TranscriptMergeTests
{
    private static TranscriptSegment Segment(string id, long start, string text, bool final) =>
        new(id, "room", "alice", "Alice", "TR", start, start + 500, text, final);

    [Fact]
    public void A_merge_after_a_write_conflict_keeps_every_segment_and_final_text_wins()
    {
        var mine = new RoomTranscript();
        mine.Upsert(Segment("a", 0, "mine, final", true));
        mine.Upsert(Segment("b", 1000, "mine, interim", false));
        var stored = new RoomTranscript();
        stored.Upsert(Segment("b", 1000, "theirs, final", true));
        stored.Upsert(Segment("c", 2000, "theirs only", true));
        stored.Upsert(Segment("a", 0, "theirs, interim", false));
        stored.Upsert(Segment("d", 3000, "theirs 4", true));

        var merged = TranscriptMerge.Merge(mine, stored);

        Assert.Equal(["mine, final", "theirs, final", "theirs only", "theirs 4"], merged.Segments.Select(s => s.Text));
        Assert.True(merged.Revision > Math.Max(mine.Revision, stored.Revision));
        // Adopted segments count as changes after both sides' revisions, so live readers are told of them.
        Assert.Equal(["b", "c", "d"], merged.ChangesSince(Math.Max(mine.Revision, stored.Revision)).Segments.Select(s => s.Id));
    }

    [Fact]
    public async Task Clear_removes_the_head_and_every_chunk()
    {
        var storage = new RecordingGrainStorage(RecordingGrainStorage.OrleansBinary());
        var grain = GrainId.Create("room", "clear-me");
        var store = new TranscriptStore(storage, grain, chunkSize: 2);
        var transcript = await store.LoadAsync(CancellationToken.None);
        for (var n = 0; n < 5; n++)
        {
            store.Track(transcript.Upsert(Segment($"s{n}", n * 1000, $"text {n}", true))!);
        }

        await store.FlushAsync(transcript, CancellationToken.None);
        Assert.True(storage.TotalBytesStored > 0);

        await store.ClearAsync(CancellationToken.None);

        Assert.Equal(0, storage.TotalBytesStored);
        var reloaded = await new TranscriptStore(storage, grain, chunkSize: 2).LoadAsync(CancellationToken.None);
        Assert.Equal(0, reloaded.Count);
        Assert.Equal(0, reloaded.Revision);
    }
}
