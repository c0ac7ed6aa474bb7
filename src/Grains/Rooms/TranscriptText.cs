namespace Scribe.Rooms;

/// <summary>
/// Plain-text export for reading: consecutive segments of one speaker become one paragraph
/// <c>Speaker Name: text</c>, with a blank line between paragraphs.
/// </summary>
public static class TranscriptText
{
    public const string MediaType = "text/plain; charset=utf-8";

    /// <param name="segments">Segments in transcript order.</param>
    /// <param name="includeInterim">Whether segments still being spoken are included.</param>
    public static void Write(TextWriter writer, IEnumerable<TranscriptSegment> segments, bool includeInterim)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(segments);
        string? speaker = null;
        foreach (var segment in segments)
        {
            if (!Cue.Shows(segment, includeInterim))
            {
                continue;
            }

            if (segment.Speaker == speaker)
            {
                writer.Write(' ');
            }
            else
            {
                if (speaker is not null)
                {
                    writer.Write("\n\n");
                }

                speaker = segment.Speaker;
                writer.Write(Cue.Speaker(segment));
                writer.Write(": ");
            }

            writer.Write(Cue.OneLine(segment.Text));
        }

        if (speaker is not null)
        {
            writer.Write('\n');
        }
    }

    public static string Write(IEnumerable<TranscriptSegment> segments, bool includeInterim)
    {
        using var writer = new StringWriter();
        Write(writer, segments, includeInterim);
        return writer.ToString();
    }
}
