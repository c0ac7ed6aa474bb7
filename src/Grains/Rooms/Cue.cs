namespace Scribe.Rooms;

/// <summary>What one segment contributes to an export: whether it shows, its timing, its speaker and its text.</summary>
internal static class Cue
{
    /// <summary>Writes <c>HH:MM:SS{separator}mmm</c>; hours widen past 99 rather than wrap.</summary>
    public static void WriteTime(TextWriter writer, long ms, char separator)
    {
        ms = Math.Max(0, ms);
        var hours = ms / 3_600_000;
        Span<char> buffer = stackalloc char[32];
        var at = 0;
        if (hours < 100)
        {
            buffer[at++] = (char)('0' + hours / 10);
            buffer[at++] = (char)('0' + hours % 10);
        }
        else
        {
            hours.TryFormat(buffer, out at, provider: System.Globalization.CultureInfo.InvariantCulture);
        }

        buffer[at++] = ':';
        at = TwoDigits(buffer, at, ms / 60_000 % 60);
        buffer[at++] = ':';
        at = TwoDigits(buffer, at, ms / 1000 % 60);
        buffer[at++] = separator;
        var millis = ms % 1000;
        buffer[at++] = (char)('0' + millis / 100);
        buffer[at++] = (char)('0' + millis / 10 % 10);
        buffer[at++] = (char)('0' + millis % 10);
        writer.Write(buffer[..at]);
    }

    /// <summary>Cue bounds with end strictly after start, so zero-length or clock-skewed segments stay valid cues.</summary>
    public static (long Start, long End) Bounds(TranscriptSegment segment)
    {
        var start = Math.Max(0, segment.StartMs);
        return (start, Math.Max(segment.EndMs, start + 1));
    }

    /// <summary>Whether a segment makes a cue: it has text, and it is final unless interim text was asked for.</summary>
    public static bool Shows(TranscriptSegment segment, bool includeInterim) =>
        (includeInterim || segment.IsFinal) && !string.IsNullOrWhiteSpace(segment.Text);

    /// <summary>The text on one line: a line break inside a cue or paragraph would end it early.</summary>
    public static string OneLine(string text)
    {
        text = text.Trim();
        return text.AsSpan().IndexOfAny('\r', '\n') < 0
            ? text
            : string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>The name people know the speaker by, falling back to the identity.</summary>
    public static string Speaker(TranscriptSegment segment) =>
        OneLine(string.IsNullOrWhiteSpace(segment.SpeakerName) ? segment.Speaker : segment.SpeakerName);

    private static int TwoDigits(Span<char> buffer, int at, long value)
    {
        buffer[at++] = (char)('0' + value / 10);
        buffer[at++] = (char)('0' + value % 10);
        return at;
    }
}
