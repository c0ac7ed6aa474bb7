namespace Scribe.Rooms;

/// <summary>SubRip (.srt) export: numbered cues, the speaker's name leading the text, CRLF line ends throughout.</summary>
public static class SubRip
{
    public const string MediaType = "application/x-subrip; charset=utf-8";

    // CRLF is what the format's original tools wrote and what strict players expect.
    private const string NewLine = "\r\n";

    /// <param name="segments">Segments in transcript order.</param>
    /// <param name="includeInterim">Whether segments still being spoken get cues too.</param>
    public static void Write(TextWriter writer, IEnumerable<TranscriptSegment> segments, bool includeInterim)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(segments);
        var counter = 0;
        foreach (var segment in segments)
        {
            if (!Cue.Shows(segment, includeInterim))
            {
                continue;
            }

            var (start, end) = Cue.Bounds(segment);
            if (counter > 0)
            {
                writer.Write(NewLine);
            }

            writer.Write(++counter);
            writer.Write(NewLine);
            Cue.WriteTime(writer, start, ',');
            writer.Write(" --> ");
            Cue.WriteTime(writer, end, ',');
            writer.Write(NewLine);
            writer.Write(Cue.Speaker(segment));
            writer.Write(": ");
            writer.Write(Cue.OneLine(segment.Text));
            writer.Write(NewLine);
        }
    }

    public static string Write(IEnumerable<TranscriptSegment> segments, bool includeInterim)
    {
        using var writer = new StringWriter();
        Write(writer, segments, includeInterim);
        return writer.ToString();
    }
}
