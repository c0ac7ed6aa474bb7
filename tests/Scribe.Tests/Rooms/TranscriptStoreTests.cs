using Orleans.Storage;

namespace Scribe.Tests.Rooms;

public sealed class TranscriptStoreTests(ITestOutputHelper output)
{
    private static readonly GrainId Room = GrainId.Create("room", "standup");

    public static TheoryData<string> Serializers => ["orleans", "json"];

    private static RecordingGrainStorage Storage(string serializer) =>
        new(serializer == "json" ? RecordingGrainStorage.SiloDefault() : RecordingGrainStorage.OrleansBinary());

    [Fact]
    public void The_silos_storage_serialiser_is_system_text_json()
    {
        Assert.IsType<SystemTextJsonGrainStorageSerializer>(RecordingGrainStorage.SiloDefault());
    }

    /// <summary>Two hours, ten speakers, every segment an interim then its final: about what a long meeting makes.</summary>
    private static void Speak(RoomTranscript transcript, TranscriptStore store, int segments, int from = 0)
    {
        for (var n = from; n < from + segments; n++)
        {
            var speaker = $"spk{n % 10}";
            var start = n * 720L;
            var interim = new TranscriptSegment($"{speaker}:TR_{n % 10}:{n}", "standup", speaker, $"Speaker {n % 10}", $"TR_{n % 10}", start, start + 400, $"words {n}", false, "en");
            store.Track(transcript.Upsert(interim)!);
            store.Track(transcript.Upsert(interim with { EndMs = start + 700, Text = $"words {n} said in full", IsFinal = true, Endpoint = "gpu-1" })!);
        }
    }

    [Theory]
    [MemberData(nameof(Serializers))]
    public async Task Updating_one_segment_of_a_long_meeting_writes_one_chunk_and_the_head(string serializer)
    {
        var storage = Storage(serializer);
        var store = new TranscriptStore(storage, Room, chunkSize: 256);
        var transcript = await store.LoadAsync(CancellationToken.None);
        Speak(transcript, store, 10_000);
        await store.FlushAsync(transcript, CancellationToken.None);
        Assert.Equal(40, store.ChunkCount);
        Assert.Equal(41, storage.Writes.Count);
        storage.Writes.Clear();

        transcript.TryGet("spk3:TR_3:5003", out var segment);
        store.Track(transcript.Upsert(segment! with { Text = "corrected words" })!);
        Assert.Equal(1, store.DirtyChunks);
        await store.FlushAsync(transcript, CancellationToken.None);

        Assert.Equal(["transcript-19", "transcript"], storage.Writes.Select(w => w.StateName));
        output.WriteLine($"{serializer}: one-change flush wrote {storage.Writes.Sum(w => w.Bytes):N0} bytes ({string.Join(", ", storage.Writes)}); stored in all {storage.TotalBytesStored:N0} bytes");
        Assert.True(storage.Writes.Sum(w => w.Bytes) * 30 < storage.TotalBytesStored, "a flush of one change should cost a small part of the transcript");
        Assert.Equal(0, store.DirtyChunks);

        storage.Writes.Clear();
        await store.FlushAsync(transcript, CancellationToken.None);
        Assert.Empty(storage.Writes);
    }

    [Theory]
    [MemberData(nameof(Serializers))]
    public async Task Load_after_flush_gives_back_the_identical_transcript(string serializer)
    {
        var storage = Storage(serializer);
        var store = new TranscriptStore(storage, Room, chunkSize: 256);
        var transcript = await store.LoadAsync(CancellationToken.None);
        var origin = new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero);
        store.ClockOrigin = origin;
        Speak(transcript, store, 10_000);
        // A re-timed segment moves in order but stays in the chunk where its id was first seen.
        transcript.TryGet("spk0:TR_0:10", out var moved);
        store.Track(transcript.Upsert(moved! with { StartMs = 1_000_000, Text = "re-aligned" })!);
        await store.FlushAsync(transcript, CancellationToken.None);

        var reloadedStore = new TranscriptStore(storage, Room, chunkSize: 256);
        var reloaded = await reloadedStore.LoadAsync(CancellationToken.None);

        Assert.Equal(transcript.Revision, reloaded.Revision);
        Assert.Equal(transcript.Segments, reloaded.Segments);
        Assert.Equal(origin, reloadedStore.ClockOrigin);
        Assert.Equal(RoomState.Active, reloadedStore.State);

        // The reloaded store carries on: same chunk for old ids, the open chunk for new ones, and its etags work.
        storage.Writes.Clear();
        reloaded.TryGet("spk0:TR_0:10", out var again);
        reloadedStore.Track(reloaded.Upsert(again! with { Text = "re-aligned twice" })!);
        Speak(reloaded, reloadedStore, 1, from: 10_000);
        reloadedStore.State = RoomState.Finished;
        await reloadedStore.FlushAsync(reloaded, CancellationToken.None);
        Assert.Equal(["transcript-0", "transcript-39", "transcript"], storage.Writes.Select(w => w.StateName));

        var third = new TranscriptStore(storage, Room);
        var thirdTranscript = await third.LoadAsync(CancellationToken.None);
        Assert.Equal(reloaded.Segments, thirdTranscript.Segments);
        Assert.Equal(reloaded.Revision, thirdTranscript.Revision);
        Assert.Equal(RoomState.Finished, third.State);
    }

    [Fact]
    public async Task A_new_room_loads_empty_and_writes_nothing_until_something_changes()
    {
        var storage = Storage("orleans");
        var store = new TranscriptStore(storage, Room);
        var transcript = await store.LoadAsync(CancellationToken.None);

        Assert.Equal(0, transcript.Count);
        Assert.Equal(0, transcript.Revision);
        await store.FlushAsync(transcript, CancellationToken.None);
        Assert.Empty(storage.Writes);

        store.ClockOrigin = DateTimeOffset.UnixEpoch;
        await store.FlushAsync(transcript, CancellationToken.None);
        Assert.Equal(["transcript"], storage.Writes.Select(w => w.StateName));
    }

    [Fact]
    public async Task A_flush_cut_short_before_the_head_loses_nothing()
    {
        var storage = Storage("json");
        var store = new TranscriptStore(storage, Room, chunkSize: 4);
        var transcript = await store.LoadAsync(CancellationToken.None);
        Speak(transcript, store, 6);
        await store.FlushAsync(transcript, CancellationToken.None);

        Speak(transcript, store, 5, from: 6);
        storage.FailNextWriteOf = "transcript";
        await Assert.ThrowsAsync<TimeoutException>(() => store.FlushAsync(transcript, CancellationToken.None));

        // The head still says two chunks and an old revision; the chunks written after it are found anyway.
        var reloaded = await new TranscriptStore(storage, Room, chunkSize: 4).LoadAsync(CancellationToken.None);
        Assert.Equal(transcript.Segments, reloaded.Segments);
        Assert.Equal(transcript.Revision, reloaded.Revision);

        // And the original store retries the head on its next flush.
        storage.Writes.Clear();
        await store.FlushAsync(transcript, CancellationToken.None);
        Assert.Equal(["transcript"], storage.Writes.Select(w => w.StateName));
    }

    [Fact]
    public async Task A_failed_chunk_write_stays_dirty_for_the_next_flush()
    {
        var storage = Storage("orleans");
        var store = new TranscriptStore(storage, Room, chunkSize: 4);
        var transcript = await store.LoadAsync(CancellationToken.None);
        Speak(transcript, store, 10);
        storage.FailNextWriteOf = "transcript-1";

        await Assert.ThrowsAsync<TimeoutException>(() => store.FlushAsync(transcript, CancellationToken.None));
        Assert.Equal(2, store.DirtyChunks);

        await store.FlushAsync(transcript, CancellationToken.None);
        var reloaded = await new TranscriptStore(storage, Room, chunkSize: 4).LoadAsync(CancellationToken.None);
        Assert.Equal(transcript.Segments, reloaded.Segments);
    }

    [Fact]
    public async Task Changes_never_tracked_are_still_flushed()
    {
        var storage = Storage("orleans");
        var store = new TranscriptStore(storage, Room, chunkSize: 4);
        var transcript = await store.LoadAsync(CancellationToken.None);
        Speak(transcript, store, 6);
        await store.FlushAsync(transcript, CancellationToken.None);
        storage.Writes.Clear();

        transcript.TryGet("spk1:TR_1:1", out var segment);
        transcript.Upsert(segment! with { Text = "changed without Track" });
        transcript.Upsert(new TranscriptSegment("new:1", "standup", "new", "New", "TR", 99_999, 100_000, "also untracked", true));
        await store.FlushAsync(transcript, CancellationToken.None);

        Assert.Equal(["transcript-0", "transcript-1", "transcript"], storage.Writes.Select(w => w.StateName));
        var reloaded = await new TranscriptStore(storage, Room, chunkSize: 4).LoadAsync(CancellationToken.None);
        Assert.Equal(transcript.Segments, reloaded.Segments);
        Assert.Equal(transcript.Revision, reloaded.Revision);
    }

    [Fact]
    public async Task A_second_writer_with_stale_etags_is_refused()
    {
        var storage = Storage("orleans");
        var first = new TranscriptStore(storage, Room);
        var firstTranscript = await first.LoadAsync(CancellationToken.None);
        var second = new TranscriptStore(storage, Room);
        var secondTranscript = await second.LoadAsync(CancellationToken.None);

        Speak(firstTranscript, first, 3);
        await first.FlushAsync(firstTranscript, CancellationToken.None);
        Speak(secondTranscript, second, 3);

        await Assert.ThrowsAsync<InconsistentStateException>(() => second.FlushAsync(secondTranscript, CancellationToken.None));
    }

    [Fact]
    public async Task Tracking_before_loading_is_refused_so_stored_chunks_are_not_overwritten()
    {
        var store = new TranscriptStore(Storage("orleans"), Room);
        var segment = new TranscriptSegment("a:1", "standup", "a", "A", "TR", 0, 10, "hi", true, Revision: 1);

        Assert.Throws<InvalidOperationException>(() => store.Track(segment));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.FlushAsync(new RoomTranscript(), CancellationToken.None));
    }

    [Fact]
    public void Chunk_and_head_round_trip_through_System_Text_Json_too()
    {
        var chunk = new TranscriptChunk { Segments = [new TranscriptSegment("a:1", "r", "a", "A", "TR", 1, 2, "hi & bye", true, "en", "gpu-1", 7)] };
        var head = new TranscriptHead { Revision = 7, ChunkCount = 1, SegmentCount = 1, ClockOrigin = DateTimeOffset.UnixEpoch, State = RoomState.Finished };

        var chunkBack = System.Text.Json.JsonSerializer.Deserialize<TranscriptChunk>(System.Text.Json.JsonSerializer.Serialize(chunk))!;
        Assert.Equal(chunk.Segments, chunkBack.Segments);
        Assert.Equal(head, System.Text.Json.JsonSerializer.Deserialize<TranscriptHead>(System.Text.Json.JsonSerializer.Serialize(head)));
    }
}
