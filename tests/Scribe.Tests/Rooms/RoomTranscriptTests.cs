using Orleans.Serialization;

namespace Scribe.Tests.Rooms;

public sealed class RoomTranscriptTests
{
    private static TranscriptSegment Segment(string id, long start, string text, bool final = false, string speaker = "alice") =>
        new(id, "room", speaker, speaker, "TR_1", start, start + 500, text, final);

    [Fact]
    public void Interim_text_is_replaced_not_duplicated()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("a:1", 0, "hel"));
        transcript.Upsert(Segment("a:1", 0, "hello world", final: true));

        var only = Assert.Single(transcript.Segments);
        Assert.Equal("hello world", only.Text);
        Assert.True(only.IsFinal);
        Assert.Equal(2, transcript.Revision);
    }

    [Fact]
    public void A_newer_stream_of_a_track_closes_the_interims_a_lost_stream_left_open()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("alice:TR_1:1.3", 1_000, "the words it", final: true));
        transcript.Upsert(Segment("alice:TR_1:1.4", 4_000, "cut off mid"));
        transcript.Upsert(Segment("bob:TR_1:1.1", 3_000, "other speaker", speaker: "bob"));

        // The same stream speaking on closes nothing; nor does another speaker's new stream.
        Assert.Empty(transcript.CloseAbandonedInterims(transcript.Upsert(Segment("alice:TR_1:1.4", 4_000, "cut off mid sentence"))!));
        Assert.Equal("bob:TR_1:1.1", Assert.Single(transcript.CloseAbandonedInterims(transcript.Upsert(Segment("bob:TR_1:2.1", 9_000, "later", speaker: "bob"))!)).Id);

        var arrived = transcript.Upsert(Segment("alice:TR_1:2.1", 7_000, "back again"))!;
        var closed = Assert.Single(transcript.CloseAbandonedInterims(arrived));
        Assert.Equal(("alice:TR_1:1.4", "cut off mid sentence", true), (closed.Id, closed.Text, closed.IsFinal));
        Assert.True(transcript.TryGet("alice:TR_1:1.4", out var stored) && stored.IsFinal);

        // Closing is done once, and a late real final from the lost stream still wins.
        Assert.Empty(transcript.CloseAbandonedInterims(transcript.Upsert(Segment("alice:TR_1:2.1", 7_000, "back again now"))!));
        transcript.Upsert(Segment("alice:TR_1:1.4", 4_000, "cut off mid sentence here", final: true));
        Assert.True(transcript.TryGet("alice:TR_1:1.4", out stored) && stored.Text == "cut off mid sentence here");
    }

    [Fact]
    public void Closing_what_is_open_finalises_every_interim_once_and_a_late_final_still_wins()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("alice:TR_1:1.1", 1_000, "done", final: true));
        transcript.Upsert(Segment("alice:TR_1:1.2", 4_000, "cut off"));
        transcript.Upsert(Segment("bob:TR_2:1.1", 3_000, "never came back", speaker: "bob"));
        Assert.True(transcript.HasOpenInterims);

        var closed = transcript.CloseOpenInterims();

        Assert.Equal(["alice:TR_1:1.2", "bob:TR_2:1.1"], closed.Select(s => s.Id).Order());
        Assert.All(transcript.Segments, s => Assert.True(s.IsFinal));
        Assert.Equal(["done", "never came back", "cut off"], transcript.Segments.Select(s => s.Text));
        Assert.False(transcript.HasOpenInterims);
        Assert.Empty(transcript.CloseOpenInterims());
        transcript.Upsert(Segment("alice:TR_1:1.2", 4_000, "cut off at last", final: true));
        Assert.True(transcript.TryGet("alice:TR_1:1.2", out var stored) && stored.Text == "cut off at last");
    }

    [Fact]
    public void An_interim_that_started_after_the_arriving_segment_is_not_closed_and_restored_transcripts_remember_what_is_open()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("alice:TR_1:1.1", 8_000, "still going"));
        var restored = RoomTranscript.Restore(transcript.Segments, transcript.Revision);

        Assert.Empty(restored.CloseAbandonedInterims(restored.Upsert(Segment("alice:TR_1:2.1", 5_000, "earlier"))!));
        Assert.Single(restored.CloseAbandonedInterims(restored.Upsert(Segment("alice:TR_1:2.2", 9_000, "later"))!));
    }

    [Fact]
    public void A_final_segment_is_never_turned_back_into_an_interim_one()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("a:1", 0, "hello world", final: true));
        Assert.Null(transcript.Upsert(Segment("a:1", 0, "hello")));
        Assert.Equal("hello world", Assert.Single(transcript.Segments).Text);
        Assert.Equal(1, transcript.Revision);
    }

    [Fact]
    public void A_final_segment_may_be_corrected_by_another_final()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("a:1", 0, "hello world", final: true));
        var stored = transcript.Upsert(Segment("a:1", 0, "hello, world", final: true));

        Assert.NotNull(stored);
        Assert.Equal(2, stored.Revision);
        Assert.Equal("hello, world", Assert.Single(transcript.Segments).Text);
    }

    [Fact]
    public void An_update_that_changes_nothing_is_ignored_and_keeps_the_revision()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("a:1", 0, "hello"));
        // The incoming revision is the room's business, so a different one is not a change either.
        Assert.Null(transcript.Upsert(Segment("a:1", 0, "hello") with { Revision = 42 }));
        Assert.Equal(1, transcript.Revision);
        Assert.Equal(1, Assert.Single(transcript.Segments).Revision);
    }

    [Fact]
    public void Segments_are_ordered_by_start_across_speakers_and_changes_are_counted_by_revision()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("b:1", 1000, "second", speaker: "bob"));
        transcript.Upsert(Segment("a:1", 0, "first"));
        transcript.Upsert(Segment("a:2", 2000, "third"));

        Assert.Equal(["first", "second", "third"], transcript.Segments.Select(s => s.Text));
        var changes = transcript.ChangesSince(1);
        Assert.Equal(3, changes.Revision);
        Assert.Equal(["first", "third"], changes.Segments.Select(s => s.Text));
    }

    [Fact]
    public void Ties_on_start_break_by_speaker_then_by_id()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("carol:1", 500, "c", speaker: "carol"));
        transcript.Upsert(Segment("bob:2", 500, "b2", speaker: "bob"));
        transcript.Upsert(Segment("alice:1", 500, "a", speaker: "alice"));
        transcript.Upsert(Segment("bob:10", 500, "b10", speaker: "bob"));

        // Ordinal id order: "bob:10" < "bob:2".
        Assert.Equal(["a", "b10", "b2", "c"], transcript.Segments.Select(s => s.Text));
    }

    [Fact]
    public void A_late_segment_lands_in_its_place_by_start_time()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("alice:1", 0, "one", final: true));
        transcript.Upsert(Segment("alice:2", 3000, "three", final: true));
        // Bob started at 1.5 s but spoke long, so his final text arrives last.
        transcript.Upsert(Segment("bob:1", 1500, "two", final: true, speaker: "bob") with { EndMs = 9000 });

        Assert.Equal(["one", "two", "three"], transcript.Segments.Select(s => s.Text));
        Assert.Equal(["two"], transcript.ChangesSince(2).Segments.Select(s => s.Text));
    }

    [Fact]
    public void A_segment_whose_start_changes_moves_to_its_new_place_once()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("a:1", 1000, "first"));
        transcript.Upsert(Segment("b:1", 2000, "second", speaker: "bob"));
        transcript.Upsert(Segment("c:1", 3000, "third", speaker: "carol"));

        var moved = transcript.Upsert(Segment("a:1", 2500, "first, re-aligned"));

        Assert.NotNull(moved);
        Assert.Equal(["second", "first, re-aligned", "third"], transcript.Segments.Select(s => s.Text));
        Assert.Equal(3, transcript.Count);
        Assert.Equal(["first, re-aligned"], transcript.ChangesSince(3).Segments.Select(s => s.Text));
        Assert.True(transcript.TryGet("a:1", out var stored));
        Assert.Equal(2500, stored.StartMs);
    }

    [Fact]
    public void Segments_is_a_snapshot_that_later_upserts_do_not_change()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("a:1", 0, "one"));
        var before = transcript.Segments;
        transcript.Upsert(Segment("a:2", 100, "two"));

        Assert.Single(before);
        Assert.Equal(2, transcript.Segments.Count);
        Assert.Same(transcript.Segments, transcript.Segments);
    }

    [Fact]
    public void Changes_since_zero_or_the_current_revision_are_everything_or_nothing()
    {
        var transcript = new RoomTranscript();
        Assert.Empty(transcript.ChangesSince(0).Segments);
        transcript.Upsert(Segment("a:1", 0, "one"));
        transcript.Upsert(Segment("a:2", 100, "two"));

        Assert.Equal(2, transcript.ChangesSince(0).Segments.Count);
        Assert.Equal(2, transcript.ChangesSince(-5).Segments.Count);
        Assert.Empty(transcript.ChangesSince(2).Segments);
        Assert.Empty(transcript.ChangesSince(99).Segments);
        Assert.Equal(2, transcript.ChangesSince(99).Revision);
    }

    [Fact]
    public void Page_returns_a_window_of_the_ordered_transcript()
    {
        var transcript = new RoomTranscript();
        for (var i = 0; i < 1500; i++)
        {
            transcript.Upsert(Segment($"a:{i}", (1500 - i) * 10L, $"t{i}"));
        }

        Assert.Equal(transcript.Segments.Skip(700).Take(300), transcript.Page(700, 300));
        Assert.Equal(transcript.Segments.Skip(1400), transcript.Page(1400, 300));
        Assert.Empty(transcript.Page(1500, 10));
        Assert.Empty(transcript.Page(0, 0));
    }

    [Fact]
    public void Restore_keeps_revisions_and_prefers_the_newest_copy_of_an_id()
    {
        var restored = RoomTranscript.Restore(
            [
                Segment("a:1", 0, "old") with { Revision = 3 },
                Segment("a:2", 100, "two") with { Revision = 7 },
                Segment("a:1", 0, "new", final: true) with { Revision = 9 },
            ],
            revision: 5);

        Assert.Equal(9, restored.Revision);
        Assert.Equal(["new", "two"], restored.Segments.Select(s => s.Text));
        Assert.Equal(["new"], restored.ChangesSince(7).Segments.Select(s => s.Text));
        Assert.Equal(10, restored.Upsert(Segment("a:3", 200, "three"))!.Revision);
    }

    [Fact]
    public void What_readers_get_crosses_grain_calls_through_the_Orleans_serialiser()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("a:1", 0, "one"));
        transcript.Upsert(Segment("b:1", 100, "two", speaker: "bob"));
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

        foreach (var changes in new[] { transcript.ChangesSince(0), transcript.ChangesSince(1), transcript.ChangesSince(2) })
        {
            var back = serializer.Deserialize<TranscriptChanges>(serializer.SerializeToArray(changes));
            Assert.NotNull(back);
            Assert.Equal(changes.Revision, back.Revision);
            Assert.Equal(changes.Segments, back.Segments);
        }

        Assert.Equal(transcript.Page(1, 5), serializer.Deserialize<IReadOnlyList<TranscriptSegment>>(serializer.SerializeToArray(transcript.Page(1, 5))));
    }
}
