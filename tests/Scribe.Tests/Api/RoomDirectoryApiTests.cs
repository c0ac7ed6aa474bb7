using System.Net;

namespace Scribe.Tests.Api;

/// <summary><c>GET /api/rooms</c>: rooms report to the directory, and finished rooms past retention disappear with their transcripts.</summary>
// 0.0005 h = 1.8 s, so the directory sweeps every second (its floor).
public sealed class RoomDirectoryApiTests() : RigTest(new RigOptions
{
    FakeVllm = false,
    LiveKitPace = null,
    Settings = new Dictionary<string, string?> { ["Transcripts:RetentionHours"] = "0.0005" },
})
{
    private IGrainFactory Grains => Rig.Grains;

    private async Task<JsonElement?> ListedAsync(string room)
    {
        var list = await Rig.Silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/rooms", UriKind.Relative));
        foreach (var entry in list.GetProperty("rooms").EnumerateArray())
        {
            if (entry.GetProperty("name").GetString() == room)
            {
                return entry;
            }
        }

        return null;
    }

    [Fact]
    public async Task Rooms_are_listed_with_their_counts_and_a_finished_room_goes_after_retention_with_its_transcript()
    {
        var active = Grains.GetGrain<IRoomGrain>("dir-active");
        await active.StartAsync();
        var done = Grains.GetGrain<IRoomGrain>("dir-done");
        await done.ParticipantJoinedAsync(new ParticipantInfo("alice", "Alice", "PA_alice"));
        await done.UpsertSegmentAsync(Names.Segment("dir-done", "alice", 0, "one"));
        await done.UpsertSegmentAsync(Names.Segment("dir-done", "alice", 1, "two"));

        // Counts arrive batched: within a couple of seconds, not per change.
        var listed = await Eventually.ReturnsAsync(() => ListedAsync("dir-done"), e => e?.GetProperty("segmentCount").GetInt32() == 2, "the room lists its two segments");
        Assert.Equal("active", listed!.Value.GetProperty("state").GetString());
        Assert.Equal(["alice"], listed.Value.GetProperty("speakers").EnumerateArray().Select(s => s.GetString()));
        Assert.NotNull(await ListedAsync("dir-active"));

        await done.FinishAsync();
        var finished = await Eventually.ReturnsAsync(() => ListedAsync("dir-done"), e => e?.GetProperty("state").GetString() == "finished", "the room is listed as finished");
        Assert.NotEqual(JsonValueKind.Null, finished!.Value.GetProperty("finishedAt").ValueKind);
        Assert.True(finished.Value.GetProperty("durationSeconds").GetDouble() >= 0);
        Assert.Equal(2, finished.Value.GetProperty("revision").GetInt64());

        // Past retention (1.8 s) the room leaves the list and its stored transcript is cleared.
        await Eventually.ReturnsAsync(() => ListedAsync("dir-done"), e => e is null, "the expired room is no longer listed");
        Assert.Equal(HttpStatusCode.NotFound, (await Rig.Silo.Admin.GetAsync(new Uri("/api/rooms/dir-done/transcript", UriKind.Relative))).StatusCode);
        Assert.Empty((await done.GetChangesAsync(0)).Segments);
        Assert.NotNull(await ListedAsync("dir-active"));   // an active room is never expired
    }
}
