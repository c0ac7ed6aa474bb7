namespace Scribe.Tests.Rooms;

public sealed class TranscriptFormatTests
{
    private static TranscriptSegment Segment(string speaker, long start, long end, string text, bool final = true, string? name = null) =>
        new($"{speaker}:TR:{start}", "room", speaker, name ?? char.ToUpperInvariant(speaker[0]) + speaker[1..], "TR", start, end, text, final);

    private static readonly TranscriptSegment[] Meeting =
    [
        Segment("alice", 0, 1500, "Good morning."),
        Segment("alice", 1600, 3000, "Shall we start?"),
        Segment("bob", 3200, 4100, "Yes & let's <go>."),
        Segment("alice", 4500, 4500, "Zero length."),
        Segment("bob", 5000, 6000, "still talking", final: false),
        Segment("carol", 3_725_042, 3_726_000, "Over an hour in."),
    ];

    [Fact]
    public void Text_joins_a_speakers_consecutive_segments_into_one_paragraph()
    {
        var text = TranscriptText.Write(Meeting, includeInterim: false);

        Assert.Equal(
            "Alice: Good morning. Shall we start?\n\nBob: Yes & let's <go>.\n\nAlice: Zero length.\n\nCarol: Over an hour in.\n",
            text);
        Assert.Equal(["Alice", "Bob", "Alice", "Carol"], SubtitleValidator.Text(text).Select(p => p.Speaker));
    }

    [Fact]
    public void Text_includes_interim_segments_only_when_asked()
    {
        var paragraphs = SubtitleValidator.Text(TranscriptText.Write(Meeting, includeInterim: true));

        Assert.Equal(("Bob", "still talking"), paragraphs[3]);
        Assert.Equal(5, paragraphs.Count);
    }

    [Fact]
    public void WebVtt_has_voice_tags_escaped_text_and_valid_timings()
    {
        var vtt = WebVtt.Write(Meeting, includeInterim: false);

        Assert.StartsWith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v Alice>Good morning.\n\n", vtt);
        Assert.Contains("\n00:00:03.200 --> 00:00:04.100\n<v Bob>Yes &amp; let's &lt;go&gt;.\n", vtt);
        Assert.Contains("\n01:02:05.042 --> 01:02:06.000\n<v Carol>Over an hour in.\n", vtt);
        var cues = SubtitleValidator.WebVtt(vtt);
        Assert.Equal(5, cues.Count);
        Assert.Equal((4500, 4501), (cues[3].StartMs, cues[3].EndMs));
    }

    [Fact]
    public void SubRip_numbers_cues_from_one_with_comma_millis_and_crlf_only()
    {
        var srt = SubRip.Write(Meeting, includeInterim: true);

        Assert.StartsWith("1\r\n00:00:00,000 --> 00:00:01,500\r\nAlice: Good morning.\r\n\r\n2\r\n", srt);
        var cues = SubtitleValidator.SubRip(srt);
        Assert.Equal([1, 2, 3, 4, 5, 6], cues.Select(c => c.Number!.Value));
        Assert.Equal("Bob: still talking", cues[4].Lines.Single());
        Assert.Equal(["Carol: Over an hour in."], cues[5].Lines);
    }

    [Fact]
    public void Empty_transcripts_are_still_valid_files()
    {
        Assert.Equal("WEBVTT\n", WebVtt.Write([], includeInterim: true));
        Assert.Empty(SubtitleValidator.WebVtt(WebVtt.Write([], includeInterim: true)));
        Assert.Equal("", SubRip.Write([], includeInterim: true));
        Assert.Equal("", TranscriptText.Write([], includeInterim: true));
    }

    [Fact]
    public void Awkward_segments_still_make_valid_cues()
    {
        TranscriptSegment[] awkward =
        [
            Segment("alice", -200, -100, "before the clock"),
            Segment("bob", 100, 50, "ends before it starts"),
            Segment("carol", 200, 900, "   "),
            Segment("dave", 300, 900, "two\r\nlines\n\nand a gap"),
            Segment("erin", 400, 900, "arrow --> inside", name: "Erin <host> & co"),
            Segment("frank", 500, 900, "no display name", name: ""),
            Segment("gina", 360_000_000, 360_000_500, "a hundred hours in"),
        ];

        var vttCues = SubtitleValidator.WebVtt(WebVtt.Write(awkward, includeInterim: true));
        var srtCues = SubtitleValidator.SubRip(SubRip.Write(awkward, includeInterim: true));
        var paragraphs = SubtitleValidator.Text(TranscriptText.Write(awkward, includeInterim: true));

        Assert.Equal(6, vttCues.Count);
        Assert.Equal(6, srtCues.Count);
        Assert.Equal(6, paragraphs.Count);
        Assert.Equal((0, 1), (vttCues[0].StartMs, vttCues[0].EndMs));
        Assert.Equal("<v Erin &lt;host&gt; &amp; co>arrow --&gt; inside", vttCues[3].Lines.Single());
        Assert.Equal(["Dave: two lines and a gap"], srtCues[2].Lines);
        Assert.Equal("frank", paragraphs[4].Speaker);
        Assert.Equal(360_000_000, vttCues[5].StartMs);
    }

    [Fact]
    public void Random_transcripts_always_export_to_valid_files()
    {
        var random = new Random(7);
        const string alphabet = "abc XYZ&<>-->\n\r\t.,!?é";
        for (var trial = 0; trial < 200; trial++)
        {
            var transcript = new RoomTranscript();
            var count = random.Next(0, 60);
            for (var i = 0; i < count; i++)
            {
                var start = random.NextInt64(-1000, 10_000_000);
                var text = new string(Enumerable.Range(0, random.Next(0, 30)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
                var speaker = $"s{random.Next(4)}";
                transcript.Upsert(new TranscriptSegment($"{speaker}:{i}", "room", speaker, random.Next(5) == 0 ? "" : $"Name {speaker}", "TR", start, start + random.Next(-50, 5000), text, random.Next(2) == 0));
            }

            foreach (var includeInterim in new[] { true, false })
            {
                var shown = transcript.Segments.Count(s => (includeInterim || s.IsFinal) && !string.IsNullOrWhiteSpace(s.Text));
                Assert.Equal(shown, SubtitleValidator.WebVtt(WebVtt.Write(transcript.Segments, includeInterim)).Count);
                Assert.Equal(shown, SubtitleValidator.SubRip(SubRip.Write(transcript.Segments, includeInterim)).Count);
                SubtitleValidator.Text(TranscriptText.Write(transcript.Segments, includeInterim));
            }
        }
    }
}
