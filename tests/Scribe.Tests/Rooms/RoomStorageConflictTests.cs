using Orleans.Storage;

namespace Scribe.Tests.Rooms;

/// <summary>
/// A second writer (as a duplicate activation during a membership change would be) stores a segment behind
/// the room's back: the room's next write hits an etag conflict, reloads, keeps both sides' segments and writes again.
/// </summary>
public sealed class RoomStorageConflictTests : IAsyncLifetime
{
    private readonly RecordingGrainStorage _storage = new(RecordingGrainStorage.OrleansBinary());
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(
        new Dictionary<string, string?>(),
        services => services.AddKeyedSingleton<IGrainStorage>(StorageNames.Transcripts, _storage));

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task A_write_conflict_is_resolved_by_reloading_and_no_acknowledged_final_is_lost()
    {
        const string room = "conflict";
        var grain = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(room);
        await grain.StartAsync();
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 0, "mine before"));

        var intruder = new TranscriptStore(_storage, grain.GetGrainId());
        var theirs = await intruder.LoadAsync(CancellationToken.None);
        intruder.Track(theirs.Upsert(Names.Segment(room, "bob", 1, "theirs"))!);
        await intruder.FlushAsync(theirs, CancellationToken.None);

        var revision = await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 2, "mine after"));

        var reloaded = await new TranscriptStore(_storage, grain.GetGrainId()).LoadAsync(CancellationToken.None);
        Assert.Equal(["mine before", "theirs", "mine after"], reloaded.Segments.Select(s => s.Text));
        var live = await grain.GetChangesAsync(0);
        Assert.Equal(["mine before", "theirs", "mine after"], live.Segments.Select(s => s.Text));
        Assert.True(live.Revision >= revision);
    }
}
