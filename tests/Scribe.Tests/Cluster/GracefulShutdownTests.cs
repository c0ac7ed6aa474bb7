using System.Diagnostics;

namespace Scribe.Tests.Cluster;

/// <summary>
/// SIGTERM to one of two silo processes in the middle of a live meeting: its speakers' streams end at a pause with
/// their last generation finished and delivered, the speakers move to the other silo, which starts new egresses to
/// itself, and the process exits cleanly. Nothing the stopping silo had received is lost.
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output) : LiveMeetingTest(silos: 2, output)
{
    private static readonly string[] Rooms = ["alpha", "beta"];
    private static readonly string[] Identities = ["ann", "ben"];

    [Fact]
    public async Task A_silo_stopped_with_sigterm_ends_its_speakers_at_a_pause_and_hands_them_to_another_silo()
    {
        Cluster.SendEgressWebhooks();
        var speakers = LiveSpeaker.Rooms(Rooms, Identities, seed: 5151);
        await Cluster.PublishAsync(speakers);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await Cluster.WaitForFinalsAsync(Rooms, 8, timeout.Token);
        var stopping = Cluster.Busiest();
        var moved = Cluster.FedBy(stopping, speakers);
        Assert.NotEmpty(moved);
        Cluster.Remove(stopping);
        var survivor = Cluster.Alive.Single();
        var before = new List<TranscriptSegment>();
        foreach (var room in Rooms)
        {
            before.AddRange((await survivor.Admin.TranscriptAsync(room, timeout.Token)).Where(s => s.IsFinal));
        }

        var oldEgresses = moved.ToDictionary(s => s, Cluster.LastEgress);
        var clock = Stopwatch.StartNew();
        var exitCode = await stopping.TerminateAsync(TimeSpan.FromSeconds(40));
        var exitedAfter = clock.Elapsed;
        Output.WriteLine($"SIGTERM to {stopping.Url}: exited with {exitCode} after {exitedAfter.TotalSeconds:F2} s; moved: {string.Join(", ", moved)}");
        Output.WriteLine($"--- log of the stopped silo\n{stopping.Log}");
        Assert.Equal(0, exitCode);
        Assert.Contains("handing", stopping.Log, StringComparison.Ordinal);

        // Each moved speaker streams to the survivor now, through a new egress.
        foreach (var speaker in moved)
        {
            while (Cluster.LastEgress(speaker).EgressId == oldEgresses[speaker].EgressId || Cluster.LastEgress(speaker).Status != EgressStatus.Active)
            {
                await Task.Delay(50, timeout.Token);
            }

            var egress = Cluster.LastEgress(speaker);
            Assert.True(LiveMeetingCluster.Dials(survivor, egress), $"{speaker}'s new egress dials {egress.WebsocketUrl}");
            Output.WriteLine($"{speaker}: new egress joined the track at media {Cluster.LiveKit.MediaStartOf(egress.EgressId).TotalSeconds:F2} s " +
                $"(the old one at {Cluster.LiveKit.MediaStartOf(oldEgresses[speaker].EgressId).TotalSeconds:F2} s)");
        }

        await Cluster.WaitForTracksAsync(speakers, timeout.Token);
        foreach (var room in speakers.GroupBy(s => s.Room))
        {
            var transcript = await Cluster.SettledTranscriptAsync(room.Key, timeout.Token);
            Assert.Equal(transcript.OrderBy(s => s.StartMs).Select(s => s.Id), transcript.Select(s => s.Id));
            foreach (var kept in before.Where(a => a.Room == room.Key))
            {
                Assert.Contains(transcript, s => s.Id == kept.Id && s.Text == kept.Text);
            }

            foreach (var speaker in room)
            {
                var segments = transcript.Where(s => s.Speaker == speaker.Identity).ToList();
                var said = segments.Select(s => s.Text).ToList();
                // From where the first egress joined the live track, every whole sentence is exact.
                var heard = speaker.SentencesAfter(Cluster.FirstHeardAt(speaker));
                if (!moved.Contains(speaker))
                {
                    Assert.Equal(heard, said.Where(speaker.Sentences.Contains));
                    continue;
                }

                // The old stream ended at a pause: its last segment is a whole sentence, and the whole sentences it
                // made are the ones said, in order. The new stream joined the live track later: what it heard whole
                // is exact. Between them, at most the sentence said while the new egress connected is missing.
                var streams = segments.GroupBy(LiveMeetingCluster.StreamOf).OrderBy(g => g.Key).ToList();
                Assert.True(streams.Count == 2, $"{speaker}: segments of {streams.Count} streams: {string.Join(" | ", segments.Select(s => $"{s.Id} {s.Text}"))}");
                var oldSaid = streams[0].Select(s => s.Text).ToList();
                Assert.Contains(oldSaid[^1], speaker.Sentences);
                var oldWhole = oldSaid.Where(speaker.Sentences.Contains).ToList();
                Assert.Equal(heard.Take(oldWhole.Count), oldWhole);
                var rejoinedAt = Cluster.LiveKit.MediaStartOf(Cluster.LastEgress(speaker).EgressId);
                var newSaid = streams[1].Select(s => s.Text).ToList();
                Assert.Equal(speaker.SentencesAfter(rejoinedAt), newSaid.Where(speaker.Sentences.Contains));
                var lost = heard.Count - oldWhole.Count - speaker.SentencesAfter(rejoinedAt).Count;
                Output.WriteLine($"{speaker}: {oldWhole.Count} sentences before the hand-off, {newSaid.Count} after; {lost} said while moving");
                Assert.InRange(lost, 0, 1);

                // The speaker's usage moved with it: the speech of both streams counts.
                var bothStreams = oldWhole.Concat(speaker.SentencesAfter(rejoinedAt)).Sum(Meeting.DurationMs) / 1000.0;
                var counted = await survivor.Admin.SpeechSecondsAsync(room.Key, speaker.Identity, timeout.Token);
                Output.WriteLine($"{speaker}: {counted:F2} s of speech counted for {bothStreams:F2} s heard whole");
                Assert.True(counted >= bothStreams * 0.9, $"{speaker}: {counted:F2} s of speech counted for {bothStreams:F2} s heard whole by its two streams");
            }
        }

        Assert.Empty(Cluster.Vllm.Violations);
    }
}
