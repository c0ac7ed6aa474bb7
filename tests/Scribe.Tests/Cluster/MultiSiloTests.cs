namespace Scribe.Tests.Cluster;

/// <summary>Three silos on Redis form one cluster; webhooks, ingest and queries may land on any of them.</summary>
public sealed class MultiSiloTests() : RigTest(new RigOptions { Silos = 3, Redis = true, ClusterName = "multi", MaxSessions = 32 })
{
    [Fact]
    public async Task Webhooks_ingest_and_queries_on_different_silos_make_one_transcript_per_room()
    {
        var webhooks = Rig.Webhooks;
        var rooms = new[] { "north", "south", "east" };
        var meetings = new Dictionary<string, Meeting>();
        var sentences = ToneSpeech.RandomSentences(rooms.Length * 4, seed: 77);
        for (var r = 0; r < rooms.Length; r++)
        {
            string[] speakers = ["ann", "ben", "ann", "ben"];
            meetings[rooms[r]] = new Meeting([.. speakers.Zip(sentences.Skip(r * 4).Take(4))]);
        }

        // Each webhook goes to a different silo, round robin, as a load balancer would send them.
        var next = 0;
        Uri AnySilo() => Rig.Silos[next++ % Rig.Silos.Count].WebhookUrl;
        foreach (var (name, meeting) in meetings)
        {
            var room = new LiveKitRoom { Name = name, Sid = "RM_" + name };
            Assert.Equal(200, (await webhooks.RoomStartedAsync(AnySilo(), room, CancellationToken.None)).HttpStatus);
            foreach (var (identity, pcm) in meeting.Tracks)
            {
                var participant = Rig.LiveKit.AddParticipant(name, identity, identity);
                var track = Rig.LiveKit.AddAudioTrack(name, identity, $"TR_{name}_{identity}", pcm);
                Assert.Equal(200, (await webhooks.TrackPublishedAsync(AnySilo(), Rig.LiveKit.GetRoom(name), participant, track, CancellationToken.None)).HttpStatus);
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        foreach (var egress in Rig.LiveKit.Egresses)
        {
            var ended = await Rig.LiveKit.WaitForEgressEndAsync(egress.EgressId, timeout.Token);
            Assert.Equal(EgressStatus.Complete, ended.Status);
        }

        // Each egress was pointed at a silo of the cluster (the one hosting that speaker's grain).
        var ingestPorts = Rig.LiveKit.Requests.Where(r => r.Method == "StartTrackEgress")
            .Select(r => new Uri(JsonDocument.Parse(r.Body).RootElement.GetProperty("websocket_url").GetString()!).Port)
            .ToList();
        Assert.Equal(6, ingestPorts.Count);
        Assert.All(ingestPorts, port => Assert.Contains(port, Rig.Silos.Select(s => s.Url.Port)));

        for (var r = 0; r < rooms.Length; r++)
        {
            var reader = Rig.Silos[(r + 1) % Rig.Silos.Count];
            var transcript = await reader.WaitForFinalsAsync(rooms[r], 4, timeout.Token);
            Assert.Equal(meetings[rooms[r]].Turns.Select(t => (t.Speaker, t.Sentence)), transcript.Select(s => (s.Speaker, s.Text)));
        }

        Assert.Empty(Rig.Vllm.Violations);
    }
}
