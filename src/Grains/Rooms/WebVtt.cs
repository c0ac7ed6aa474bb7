namespace Scribe.Rooms;

/// <summary>WebVTT export: one cue per segment, the speaker as a voice tag.</summary>
public static class WebVtt
{
    public const string MediaType = "text/vtt; charset=utf-8";

    /// <param name="segments">Segments in transcript order.</param>
    /// <param name="includeInterim">Whether segments still being spoken get cues too.</param>
    public static void Write(TextWriter writer, IEnumerable<TranscriptSegment> segments, bool includeInterim)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(segments);
        writer.Write("WEBVTT\n");
        foreach (var segment in segments)
        {
            if (!Cue.Shows(segment, includeInterim))
            {
                continue;
            }

            var (start, end) = Cue.Bounds(segment);
            writer.Write('\n');
            Cue.WriteTime(writer, start, '.');
            writer.Write(" --> ");
            Cue.WriteTime(writer, end, '.');
            writer.Write("\n<v ");
            WriteEscaped(writer, Cue.Speaker(segment));
            writer.Write('>');
            WriteEscaped(writer, Cue.OneLine(segment.Text));
            writer.Write('\n');
        }
    }

    public static string Write(IEnumerable<TranscriptSegment> segments, bool includeInterim)
    {
        using var writer = new StringWriter();
        Write(writer, segments, includeInterim);
        return writer.ToString();
    }

    // '&', '<' and '>' would otherwise read as markup; escaping '>' also keeps "-->" out of cue text.
    private static void WriteEscaped(TextWriter writer, string text)
    {
        var rest = text.AsSpan();
        while (true)
        {
            var i = rest.IndexOfAny('&', '<', '>');
            if (i < 0)
            {
                writer.Write(rest);
                return;
            }

            writer.Write(rest[..i]);
            writer.Write(rest[i] switch { '&' => "&amp;", '<' => "&lt;", _ => "&gt;" });
            rest = rest[(i + 1)..];
        }
    }
}
