using System.Diagnostics;
using Orleans.Storage;

namespace Scribe.Tests.Cluster;

/// <summary>
/// Two silos on Redis clustering and Redis storage: the silo holding a room goes away, and the other silo
/// serves the room's transcript from storage with every acknowledged final segment in order.
/// </summary>
public sealed class RedisTranscriptPersistenceTests(ITestOutputHelper output) : RigTest(new RigOptions { Silos = 2, Redis = true, ClusterName = "persist", FakeVllm = false, LiveKitPace = null })
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_acknowledged_final_segment_survives_the_silo_that_held_the_room(bool crash)
    {
        await WaitForClusterAsync(2);
        const string room = "persisted";
        var grains = Rig.Grains;
        var grain = grains.GetGrain<IRoomGrain>(room);
        await grain.StartAsync();
        string[] speakers = ["alice", "bob", "carol"];
        var acknowledged = new List<TranscriptSegment>();
        for (var n = 0; n < 60; n++)
        {
            var speaker = speakers[n % 3];
            // Each generation: an interim update, then its final; only the final is promised to be stored.
            await grain.UpsertSegmentAsync(Names.Segment(room, speaker, n, $"partial {n}", final: false, startMs: n * 700L));
            var final = Names.Segment(room, speaker, n, $"sentence number {n} from {speaker}", final: true, startMs: n * 700L);
            await grain.UpsertSegmentAsync(final);
            acknowledged.Add(final);
        }

        var holder = await Rig.HostOfAsync(grain);
        var other = Rig.Silos.Single(s => s != holder);
        output.WriteLine($"room held by {holder.Url}; {(crash ? "killing" : "stopping")} it and reading through the other silo");

        var stopped = Stopwatch.StartNew();
        await Rig.RemoveSiloAsync(holder, kill: crash);

        output.WriteLine($"holder {(crash ? "killed" : "stopped")} in {stopped.ElapsedMilliseconds} ms");

        // After a crash the room is unreachable until membership declares its silo dead; then it reactivates here.
        var read = Stopwatch.StartNew();
        JsonElement transcript;
        while (true)
        {
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                transcript = await other.Admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/rooms/{room}/transcript?interim=false", UriKind.Relative), attempt.Token);
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && read.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(250);
            }
        }

        output.WriteLine($"transcript read through the other silo in {read.ElapsedMilliseconds} ms");
        var segments = transcript.GetProperty("segments").EnumerateArray()
            .Select(s => (Id: s.GetProperty("id").GetString(), Text: s.GetProperty("text").GetString(), Start: s.GetProperty("startMs").GetInt64()))
            .ToList();
        Assert.Equal(acknowledged.Select(s => (Id: (string?)s.Id, Text: (string?)s.Text, Start: s.StartMs)), segments);
        Assert.Equal(120, transcript.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task The_room_directory_reads_back_from_redis_what_rooms_reported()
    {
        // Rooms report their speakers as whatever list they built; the directory must store something JSON can read back.
        IReadOnlyList<string> speakers = ["alice", "bob"];
        var stored = new RoomDirectory();
        stored.Report(new RoomSummary("stored", RoomState.Active, DateTimeOffset.UnixEpoch, null, speakers, 3, 7));
        var storage = Rig.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Transcripts);
        var id = GrainId.Create("test-directory", Guid.NewGuid().ToString("N"));
        await storage.WriteStateAsync("directory", id, new GrainState<RoomDirectory>(stored));

        var read = new GrainState<RoomDirectory>(new RoomDirectory());
        await storage.ReadStateAsync("directory", id, read);
        var room = Assert.Single(read.State!.List());
        Assert.Equal("stored", room.Name);
        Assert.Equal(speakers, room.Speakers);
    }

    private async Task WaitForClusterAsync(int silos)
    {
        var management = Rig.Grains.GetGrain<IManagementGrain>(0);
        var clock = Stopwatch.StartNew();
        await Eventually.HoldsAsync(async () => (await management.GetHosts(onlyActive: true)).Count >= silos, $"the {silos} silos form a cluster", TimeSpan.FromSeconds(60));

        output.WriteLine($"cluster of {silos} formed in {clock.ElapsedMilliseconds} ms");
    }
}
