using System.Diagnostics;
using Orleans.TestingHost;
using Scribe.Notifications;

namespace Scribe.Tests.Grains;

/// <summary>The room's transcript and lifecycle on Orleans' test cluster: what callers are told is what storage keeps.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class RoomGrainTests(GrainCluster cluster)
{
    [Fact]
    public async Task A_segment_is_upserted_by_id_and_a_final_never_turns_back_into_an_interim()
    {
        var name = NewRoom();
        var room = cluster.Grains.GetGrain<IRoomGrain>(name);
        await room.StartAsync();

        await room.UpsertSegmentAsync(Names.Segment(name, "alice", 0, "hello", final: false));
        await room.UpsertSegmentAsync(Names.Segment(name, "alice", 0, "hello there", final: false));
        var finalRevision = await room.UpsertSegmentAsync(Names.Segment(name, "alice", 0, "hello there everyone"));
        await room.UpsertSegmentAsync(Names.Segment(name, "alice", 0, "a late interim", final: false));

        var transcript = (await room.GetChangesAsync(0)).Segments;
        var only = Assert.Single(transcript);
        Assert.Equal(("hello there everyone", true), (only.Text, only.IsFinal));
        Assert.Equal(finalRevision, only.Revision);
        Assert.Empty((await room.GetChangesAsync(finalRevision)).Segments);
    }

    [Fact]
    public async Task Acknowledged_finals_are_read_back_from_storage_after_the_room_deactivates()
    {
        var name = NewRoom();
        var room = cluster.Grains.GetGrain<IRoomGrain>(name);
        await room.StartAsync();
        for (var n = 0; n < 150; n++) // more than two stored chunks
        {
            await room.UpsertSegmentAsync(Names.Segment(name, n % 2 == 0 ? "alice" : "bob", n, $"sentence {n}"));
        }

        await cluster.DeactivateAsync(room);

        var transcript = (await room.GetChangesAsync(0)).Segments;
        Assert.Equal(Enumerable.Range(0, 150).Select(n => $"sentence {n}"), transcript.Select(s => s.Text));
        Assert.All(transcript, s => Assert.True(s.IsFinal));
    }

    [Fact]
    public async Task Interims_still_open_after_the_final_timeout_of_a_finished_room_are_closed_with_their_words()
    {
        var name = NewRoom();
        var room = cluster.Grains.GetGrain<IRoomGrain>(name);
        await room.StartAsync();
        await room.UpsertSegmentAsync(Names.Segment(name, "alice", 0, "said in full"));
        await room.UpsertSegmentAsync(Names.Segment(name, "bob", 1, "cut off when its silo", final: false));
        await room.FinishAsync();

        var clock = Stopwatch.StartNew();
        Assert.Contains((await room.GetChangesAsync(0)).Segments, s => !s.IsFinal); // not at once: a stopped stream may still deliver its final
        var transcript = await Eventually.ReturnsAsync(
            async () => (await room.GetChangesAsync(0)).Segments, t => t.All(s => s.IsFinal), "the open interim is closed", TimeSpan.FromSeconds(15));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(GrainCluster.FinalTimeoutMs * 2 * 0.9),
            $"closed {clock.Elapsed.TotalSeconds:F2} s after the finish, before two final timeouts");
        Assert.Equal(["said in full", "cut off when its silo"], transcript.Select(s => s.Text));

        // A late real final still wins over the closed text.
        await room.UpsertSegmentAsync(Names.Segment(name, "bob", 1, "cut off when its silo went down"));
        Assert.Equal("cut off when its silo went down", (await room.GetChangesAsync(0)).Segments[1].Text);
    }

    [Fact]
    public async Task A_finished_room_with_an_interim_a_vanished_stream_left_waits_two_final_timeouts_for_transcript_ready()
    {
        var name = NewRoom();
        var room = cluster.Grains.GetGrain<IRoomGrain>(name);
        await room.StartAsync();
        await room.UpsertSegmentAsync(Names.Segment(name, "alice", 0, "said in full"));
        await room.UpsertSegmentAsync(Names.Segment(name, "bob", 1, "its silo died here", final: false));
        await room.FinishAsync();

        var clock = Stopwatch.StartNew();
        await Eventually.HoldsAsync(() => ReadyOf(name) is not null, "transcript.ready", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(GrainCluster.FinalTimeoutMs * 2 * 0.9),
            $"ready {clock.Elapsed.TotalSeconds:F2} s after the finish, before two final timeouts");
        var data = JsonDocument.Parse(ReadyOf(name)!.DataJson).RootElement;
        Assert.Equal(2, data.GetProperty("segments").GetInt32()); // the interim was closed before the transcript was called ready
    }

    private BackendNotification? ReadyOf(string room) => cluster.Cluster.Silos
        .SelectMany(silo => ((InProcessSiloHandle)silo).SiloHost.Services.GetServices<IBackendEvents>())
        .OfType<RecordingBackendEvents>()
        .SelectMany(events => events.Raised)
        .SingleOrDefault(e => e.Type == TranscriptReady.Type && e.Room == room);

    private static string NewRoom() => "room-" + Guid.NewGuid().ToString("N")[..8];
}
