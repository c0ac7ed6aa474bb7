using System.Diagnostics;

namespace Scribe.Tests.Cluster;

/// <summary>
/// Three silo processes on Redis carry a three-room meeting of live tracks; one is killed (SIGKILL: no goodbye to
/// the cluster). Membership declares it dead, a survivor resumes its speakers, and they are transcribed again on
/// live silos: every final acknowledged before the death is kept, and every sentence whose audio reached a live
/// silo is transcribed exactly.
/// </summary>
public sealed class SiloLossTests(ITestOutputHelper output) : LiveMeetingTest(silos: 3, output)
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);
    private static readonly string[] Rooms = ["north", "south", "east"];
    private static readonly string[] Identities = ["ann", "ben"];

    /// <param name="egressWebhooks">Whether LiveKit reports the egresses that failed with the silo. When it does not
    /// (a webhook lost, a network partition rather than a reset), membership and <c>SpeakerRecovery</c> alone bring
    /// the speakers back.</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Killing_one_of_three_silos_keeps_every_acknowledged_final_and_its_speakers_are_back_within_ten_seconds(bool egressWebhooks)
    {
        if (egressWebhooks)
        {
            Cluster.SendEgressWebhooks();
        }

        // Three rooms of two speakers who talk over each other: each track is a run of sentences with pauses.
        var speakers = LiveSpeaker.Rooms(Rooms, Identities, seed: 4242);
        await Cluster.PublishAsync(speakers);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var clock = Stopwatch.StartNew();
        await Cluster.WaitForFinalsAsync(Rooms, 12, timeout.Token);
        if (clock.Elapsed < TimeSpan.FromSeconds(6))
        {
            await Task.Delay(TimeSpan.FromSeconds(6) - clock.Elapsed, timeout.Token);
        }

        var victim = Cluster.Busiest();
        var affected = Cluster.FedBy(victim, speakers);
        Assert.NotEmpty(affected);
        Cluster.Remove(victim);
        var reader = Cluster.Alive[0].Admin;
        var acknowledged = new List<TranscriptSegment>();
        foreach (var room in Rooms)
        {
            acknowledged.AddRange((await reader.TranscriptAsync(room, timeout.Token)).Where(s => s.IsFinal));
        }

        var streamsAtKill = affected.ToDictionary(s => s, s => acknowledged.Where(a => a.Speaker == s.Identity && a.Room == s.Room).Select(LiveMeetingCluster.StreamOf).DefaultIfEmpty(1).Max());
        var killedAt = clock.Elapsed;
        var killedAtUnixNanos = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        victim.Kill();
        Output.WriteLine($"killed silo {victim.Url} at {killedAt.TotalSeconds:F1} s; affected: {string.Join(", ", affected)}; {acknowledged.Count} finals acknowledged");

        // Each affected speaker is heard again: a segment of a newer stream reaches the room.
        var back = new Dictionary<LiveSpeaker, TimeSpan>();
        while (back.Count < affected.Count)
        {
            foreach (var speaker in affected.Where(s => !back.ContainsKey(s)))
            {
                var segments = await reader.TranscriptAsync(speaker.Room, timeout.Token);
                if (segments.Any(x => x.Speaker == speaker.Identity && LiveMeetingCluster.StreamOf(x) > streamsAtKill[speaker]))
                {
                    back[speaker] = clock.Elapsed - killedAt;
                }
            }

            await Task.Delay(100, timeout.Token);
        }

        foreach (var (speaker, after) in back)
        {
            var egress = Cluster.LastEgress(speaker);
            Assert.True(egress.StartedAt > killedAtUnixNanos);
            Output.WriteLine($"{speaker}: new egress connected {(egress.StartedAt - killedAtUnixNanos) / 1e9:F2} s after the kill, " +
                $"from media {Cluster.LiveKit.MediaStartOf(egress.EgressId).TotalSeconds:F2} s; transcribed again after {after.TotalSeconds:F2} s");
            Assert.True(after <= Recovery, $"{speaker} was transcribed again only {after.TotalSeconds:F1} s after the kill");
        }

        await Cluster.WaitForTracksAsync(speakers, timeout.Token);
        foreach (var room in speakers.GroupBy(s => s.Room))
        {
            var transcript = await Cluster.SettledTranscriptAsync(room.Key, timeout.Token);

            // Ordered by when speech started, every segment once.
            Assert.Equal(transcript.OrderBy(s => s.StartMs).Select(s => s.Id), transcript.Select(s => s.Id));
            Assert.Equal(transcript.Count, transcript.Select(s => s.Id).Distinct().Count());

            // Every final acknowledged before the kill is still there, word for word.
            foreach (var kept in acknowledged.Where(a => a.Room == room.Key))
            {
                Assert.Contains(transcript, s => s.Id == kept.Id && s.Text == kept.Text && s.StartMs == kept.StartMs);
            }

            foreach (var speaker in room)
            {
                var said = transcript.Where(s => s.Speaker == speaker.Identity).Select(s => s.Text).ToList();
                // Exact wherever the audio reached a live silo; around the death, a sentence may be cut or missing.
                var heard = speaker.SentencesAfter(affected.Contains(speaker) ? Cluster.LiveKit.MediaStartOf(Cluster.LastEgress(speaker).EgressId) : Cluster.FirstHeardAt(speaker));
                var missing = heard.Where(sentence => !said.Contains(sentence)).ToList();
                Assert.True(missing.Count == 0, $"{speaker}: {missing.Count} sentences heard but not transcribed: {string.Join(" | ", missing)}; transcribed: {string.Join(" | ", said)}");
                Assert.True(said.Count <= speaker.Sentences.Count + 1, $"{speaker}: {said.Count} segments for {speaker.Sentences.Count} sentences");
                Assert.All(said.GroupBy(t => t), g => Assert.Single(g));
            }
        }

        Assert.Empty(Cluster.Vllm.Violations);
    }
}
