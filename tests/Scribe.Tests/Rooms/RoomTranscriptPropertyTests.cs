namespace Scribe.Tests.Rooms;

/// <summary>
/// Seeded random scenarios checked against a plain model: the order of arrival across segments must not
/// matter, and what readers see (snapshot, pages, changes since N, restore) must agree with the model.
/// </summary>
public sealed class RoomTranscriptPropertyTests
{
    private const int Trials = 150;

    [Fact]
    public void Any_interleaving_that_keeps_each_segments_updates_in_order_gives_the_same_transcript()
    {
        for (var trial = 0; trial < Trials; trial++)
        {
            var random = new Random(trial);
            var scenario = Scenario.Generate(random, speakers: random.Next(1, 11), segmentsPerSpeaker: random.Next(1, 12));
            var expected = Model.Apply(scenario.Updates.SelectMany(u => u));

            for (var run = 0; run < 4; run++)
            {
                var transcript = new RoomTranscript();
                var revisions = new List<long> { 0 };
                foreach (var update in scenario.Interleave(random))
                {
                    var before = transcript.Revision;
                    var stored = transcript.Upsert(update);
                    if (stored is null)
                    {
                        Assert.Equal(before, transcript.Revision);
                    }
                    else
                    {
                        Assert.Equal(before + 1, stored.Revision);
                        Assert.Equal(stored.Revision, transcript.Revision);
                        revisions.Add(stored.Revision);
                    }
                }

                Assert.True(revisions.Zip(revisions.Skip(1)).All(p => p.First < p.Second), $"trial {trial}: revisions must strictly increase");
                Assert.Equal(expected.Accepted, transcript.Revision);
                Assert.Equal(expected.Ordered, transcript.Segments.Select(Model.WithoutRevision));
            }
        }
    }

    [Fact]
    public void Final_text_wins_whatever_order_interim_and_final_updates_arrive_in()
    {
        for (var trial = 0; trial < Trials; trial++)
        {
            var random = new Random(10_000 + trial);
            var scenario = Scenario.Generate(random, speakers: random.Next(1, 6), segmentsPerSpeaker: random.Next(1, 8), alwaysFinal: true);
            var shuffled = scenario.Updates.SelectMany(u => u).ToArray();
            random.Shuffle(shuffled);

            var transcript = new RoomTranscript();
            foreach (var update in shuffled)
            {
                transcript.Upsert(update);
            }

            var finals = scenario.Updates.Select(u => u[^1]).ToDictionary(s => s.Id);
            Assert.Equal(finals.Count, transcript.Count);
            foreach (var segment in transcript.Segments)
            {
                Assert.True(segment.IsFinal, $"trial {trial}: {segment.Id} lost its final text");
                Assert.Equal(Model.WithoutRevision(finals[segment.Id]), Model.WithoutRevision(segment));
            }

            Assert.Equal(Model.Sort(finals.Values), transcript.Segments.Select(Model.WithoutRevision));
        }
    }

    [Fact]
    public void Changes_since_any_revision_are_exactly_the_segments_changed_after_it_in_transcript_order()
    {
        for (var trial = 0; trial < Trials; trial++)
        {
            var random = new Random(20_000 + trial);
            var scenario = Scenario.Generate(random, speakers: random.Next(1, 11), segmentsPerSpeaker: random.Next(1, 10));
            var transcript = new RoomTranscript();
            foreach (var update in scenario.Interleave(random))
            {
                transcript.Upsert(update);
                if (random.Next(8) == 0)
                {
                    AssertChangesAgree(transcript, random.NextInt64(-1, transcript.Revision + 2));
                }
            }

            for (var since = -1L; since <= transcript.Revision + 1; since++)
            {
                AssertChangesAgree(transcript, since);
            }
        }
    }

    [Fact]
    public void Restore_round_trips_and_the_restored_transcript_keeps_behaving_the_same()
    {
        for (var trial = 0; trial < Trials; trial++)
        {
            var random = new Random(30_000 + trial);
            var scenario = Scenario.Generate(random, speakers: random.Next(1, 11), segmentsPerSpeaker: random.Next(1, 10));
            var updates = scenario.Interleave(random).ToList();
            var cut = random.Next(updates.Count + 1);

            var original = new RoomTranscript();
            foreach (var update in updates.Take(cut))
            {
                original.Upsert(update);
            }

            var stored = original.Segments.ToArray();
            random.Shuffle(stored);
            var restored = RoomTranscript.Restore(stored, original.Revision);
            Assert.Equal(original.Revision, restored.Revision);
            Assert.Equal(original.Segments, restored.Segments);

            foreach (var update in updates.Skip(cut))
            {
                Assert.Equal(original.Upsert(update), restored.Upsert(update));
            }

            Assert.Equal(original.Segments, restored.Segments);
            for (var since = 0L; since <= original.Revision; since += 1 + random.Next(5))
            {
                Assert.Equal(original.ChangesSince(since).Segments, restored.ChangesSince(since).Segments);
            }
        }
    }

    [Fact]
    public void A_large_room_with_many_late_and_moving_segments_stays_in_order()
    {
        var random = new Random(42);
        var transcript = new RoomTranscript();
        var model = new Dictionary<string, TranscriptSegment>();
        for (var step = 0; step < 40_000; step++)
        {
            // Mostly new speech near the end, some late arrivals far back, some re-timed segments.
            var id = step % 4 == 0 && model.Count > 0 ? $"s:{random.Next(model.Count)}" : $"s:{model.Count}";
            var start = random.Next(10) == 0 ? random.Next(0, step * 10 + 1) : step * 10 + random.Next(-500, 500);
            var update = new TranscriptSegment(id, "room", $"spk{random.Next(10)}", "Name", "TR", start, start + 700, $"text {step}", random.Next(3) == 0);
            var stored = transcript.Upsert(update);
            if (stored is not null)
            {
                model[id] = stored;
            }

            if (step % 5_000 == 0)
            {
                Assert.Equal(Model.Sort(model.Values), transcript.Segments);
                AssertChangesAgree(transcript, transcript.Revision - random.Next(1, 300));
            }
        }

        Assert.Equal(model.Count, transcript.Count);
        Assert.Equal(Model.Sort(model.Values), transcript.Segments);
        Assert.Equal(transcript.Segments.Skip(1234).Take(777), transcript.Page(1234, 777));
        AssertChangesAgree(transcript, transcript.Revision / 2);
        AssertChangesAgree(transcript, transcript.Revision - 100);
    }

    private static void AssertChangesAgree(RoomTranscript transcript, long since)
    {
        var changes = transcript.ChangesSince(since);
        Assert.Equal(transcript.Revision, changes.Revision);
        Assert.Equal(transcript.Segments.Where(s => s.Revision > since), changes.Segments);
    }

    /// <summary>Per-segment update sequences: interim text growing, sometimes re-timed or repeated, usually ending final.</summary>
    private sealed record Scenario(IReadOnlyList<IReadOnlyList<TranscriptSegment>> Updates)
    {
        public static Scenario Generate(Random random, int speakers, int segmentsPerSpeaker, bool alwaysFinal = false)
        {
            var updates = new List<IReadOnlyList<TranscriptSegment>>();
            for (var s = 0; s < speakers; s++)
            {
                var speaker = $"spk{s}";
                for (var n = 0; n < segmentsPerSpeaker; n++)
                {
                    // Coarse start times so ties across speakers are common.
                    var start = random.Next(0, 20) * 250L;
                    var segment = new TranscriptSegment($"{speaker}:TR_{s}:{n}", "room", speaker, $"Speaker {s}", $"TR_{s}", start, start, "", false);
                    var sequence = new List<TranscriptSegment>();
                    var interims = random.Next(0, 5);
                    for (var i = 0; i < interims; i++)
                    {
                        segment = segment with { EndMs = segment.EndMs + random.Next(1, 400), Text = $"{segment.Text} w{i}".Trim() };
                        if (random.Next(6) == 0)
                        {
                            segment = segment with { StartMs = Math.Max(0, segment.StartMs + random.Next(-300, 300)) };
                        }

                        sequence.Add(segment);
                        if (random.Next(5) == 0)
                        {
                            sequence.Add(segment); // a repeated delta changes nothing
                        }
                    }

                    if (alwaysFinal || interims == 0 || random.Next(10) > 0)
                    {
                        sequence.Add(segment with { Text = $"{segment.Text} final".Trim(), IsFinal = true });
                    }

                    updates.Add(sequence);
                }
            }

            return new Scenario(updates);
        }

        /// <summary>A random merge of the sequences: each segment's own updates keep their order.</summary>
        public IEnumerable<TranscriptSegment> Interleave(Random random)
        {
            var next = new int[Updates.Count];
            var open = Enumerable.Range(0, Updates.Count).ToList();
            while (open.Count > 0)
            {
                var pick = random.Next(open.Count);
                var queue = open[pick];
                yield return Updates[queue][next[queue]++];
                if (next[queue] == Updates[queue].Count)
                {
                    open.RemoveAt(pick);
                }
            }
        }
    }

    /// <summary>The rules written the obvious way, to compare against.</summary>
    private static class Model
    {
        public static (long Accepted, List<TranscriptSegment> Ordered) Apply(IEnumerable<TranscriptSegment> updates)
        {
            var byId = new Dictionary<string, TranscriptSegment>();
            var accepted = 0L;
            foreach (var update in updates)
            {
                var clean = WithoutRevision(update);
                if (byId.TryGetValue(update.Id, out var existing) && ((existing.IsFinal && !update.IsFinal) || existing == clean))
                {
                    continue;
                }

                byId[update.Id] = clean;
                accepted++;
            }

            return (accepted, Sort(byId.Values));
        }

        public static List<TranscriptSegment> Sort(IEnumerable<TranscriptSegment> segments) =>
            segments.OrderBy(s => s.StartMs).ThenBy(s => s.Speaker, StringComparer.Ordinal).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();

        public static TranscriptSegment WithoutRevision(TranscriptSegment segment) => segment with { Revision = 0 };
    }
}
