using Scribe.Rooms;

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
    public void A_final_segment_is_never_turned_back_into_an_interim_one()
    {
        var transcript = new RoomTranscript();
        transcript.Upsert(Segment("a:1", 0, "hello world", final: true));
        Assert.Null(transcript.Upsert(Segment("a:1", 0, "hello")));
        Assert.Equal("hello world", Assert.Single(transcript.Segments).Text);
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
}
