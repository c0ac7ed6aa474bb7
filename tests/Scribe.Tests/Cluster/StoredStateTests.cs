using Orleans.Storage;
using Scribe.Tests.Rooms;
using Scribe.Webhooks;

namespace Scribe.Tests.Cluster;

/// <summary>
/// Every persisted record read back through the storage serialiser our silo configures (its memory and Redis
/// storage both use it) comes back equal, and reading never writes into the objects a fresh record starts from.
/// </summary>
public sealed class StoredStateTests
{
    private readonly IGrainStorageSerializer _serializer = RecordingGrainStorage.SiloDefault();

    private T RoundTrip<T>(T state) => _serializer.Deserialize<T>(_serializer.Serialize(state)) ?? throw new InvalidOperationException("read back nothing");

    [Fact]
    public void Reading_a_participant_record_leaves_the_shared_zero_usage_at_zero()
    {
        // A reader that fills the existing property value instead of replacing it would write this speaker's
        // figures into SpeakerUsage.None, which every new record, and every room's sum, starts from.
        var usage = new SpeakerUsage(2.5, 4.25, 6.5, 2, 1);
        var stored = new ParticipantRecord { Room = "standup", Identity = "alice", Egress = { TrackSid = "TR_a", PendingStops = ["EG_1"] }, Usage = usage };

        var first = RoundTrip(stored);
        var second = RoundTrip(stored);

        Assert.Equal(usage, first.Usage);
        Assert.Equal(usage, second.Usage);
        Assert.Equal(["EG_1"], second.Egress.PendingStops);
        Assert.Equal(new SpeakerUsage(0, 0, 0, 0, 0), SpeakerUsage.None);
        Assert.Equal(SpeakerUsage.None, new ParticipantRecord().Usage);
    }

    [Fact]
    public void A_room_directory_whose_speakers_came_from_a_collection_expression_reads_back()
    {
        var directory = new RoomDirectory();
        IReadOnlyList<string> speakers = ["alice", "bob"];
        directory.Report(new RoomSummary("standup", RoomState.Active, DateTimeOffset.UnixEpoch, null, speakers, 3, 7));

        var summary = RoundTrip(directory).Rooms["standup"];

        Assert.Equal(["alice", "bob"], summary.Speakers);
        Assert.Equal((RoomState.Active, 3, 7L), (summary.State, summary.SegmentCount, summary.Revision));
    }

    [Fact]
    public void Room_ledger_and_endpoint_records_read_back_equal()
    {
        var room = RoundTrip(new RoomRecord { Name = "standup", Phase = RoomPhase.Finished, Speakers = { ["alice"] = "Alice" } });
        var ledger = RoundTrip(new WebhookLedgerRecord { RecentEventIds = ["EV_1"], EgressOwners = [new("EG_1", "alice")], Finished = true });
        var endpoints = RoundTrip(new EndpointRegistryRecord
        {
            Seeded = true,
            Endpoints = [new InferenceEndpoint("gpu-1", new Uri("ws://gpu-1:8000/v1/realtime"), "voxtral", 16)],
            Drained = ["gpu-1"],
        });

        Assert.Equal(("standup", RoomPhase.Finished, "Alice"), (room.Name, room.Phase, room.Speakers["alice"]));
        Assert.Equal(["EV_1"], ledger.RecentEventIds);
        Assert.Equal([new KeyValuePair<string, string>("EG_1", "alice")], ledger.EgressOwners);
        Assert.True(ledger.Finished);
        Assert.True(endpoints.Seeded);
        Assert.Equal(new InferenceEndpoint("gpu-1", new Uri("ws://gpu-1:8000/v1/realtime"), "voxtral", 16), Assert.Single(endpoints.Endpoints));
        Assert.Equal(["gpu-1"], endpoints.Drained);
    }
}
