using System.Globalization;
using System.Text.RegularExpressions;

namespace Scribe.Tests.Rooms;

/// <summary>Strict checks of the exported formats, written from the format rules rather than from our writers.</summary>
internal static partial class SubtitleValidator
{
    public sealed record Cue(int? Number, long StartMs, long EndMs, IReadOnlyList<string> Lines);

    /// <summary>Validates a WebVTT file of voice-tagged cues and returns its cues.</summary>
    public static List<Cue> WebVtt(string vtt)
    {
        Check(!vtt.Contains('\r'), "WebVTT from us uses LF only");
        Check(vtt.StartsWith("WEBVTT\n", StringComparison.Ordinal) || vtt == "WEBVTT\n", "header must be exactly 'WEBVTT' on the first line");
        Check(vtt.EndsWith('\n'), "file must end with a line break");
        var blocks = vtt[..^1].Split("\n\n");
        Check(blocks[0] == "WEBVTT", "header block must be the WEBVTT line alone");
        var cues = new List<Cue>();
        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n');
            Check(lines.All(l => l.Length > 0), $"cue has an empty line (or an extra blank line): {block}");
            var timing = VttTiming().Match(lines[0]);
            Check(timing.Success, $"bad WebVTT timing line '{lines[0]}'");
            var cue = new Cue(null, Ms(timing, 1), Ms(timing, 5), lines[1..]);
            Check(cue.Lines.Count > 0, "cue without text");
            foreach (var line in cue.Lines)
            {
                Check(!line.Contains("-->", StringComparison.Ordinal), $"cue text contains '-->': {line}");
                var voice = VoiceLine().Match(line);
                Check(voice.Success, $"cue line is not a single voice span: '{line}'");
                CheckEscaped(voice.Groups["name"].Value);
                CheckEscaped(voice.Groups["text"].Value);
                Check(voice.Groups["text"].Value.Trim().Length > 0, "empty cue text");
            }

            CheckTiming(cues, cue, requireOrderedStarts: true);
            cues.Add(cue);
        }

        return cues;
    }

    /// <summary>Validates a SubRip file with CRLF line ends and returns its cues.</summary>
    public static List<Cue> SubRip(string srt)
    {
        if (srt.Length == 0)
        {
            return [];
        }

        Check(!srt.Replace("\r\n", "", StringComparison.Ordinal).Contains('\n'), "a bare LF among CRLF line ends");
        Check(!srt.Replace("\r\n", "", StringComparison.Ordinal).Contains('\r'), "a bare CR among CRLF line ends");
        Check(srt.EndsWith("\r\n", StringComparison.Ordinal) && !srt.EndsWith("\r\n\r\n", StringComparison.Ordinal), "file must end with exactly one line break");
        var cues = new List<Cue>();
        foreach (var block in srt[..^2].Split("\r\n\r\n"))
        {
            var lines = block.Split("\r\n");
            Check(lines.Length >= 3, $"cue needs counter, timing and text: {block}");
            Check(lines.All(l => l.Length > 0), $"cue has an empty line: {block}");
            Check(int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number), $"bad counter '{lines[0]}'");
            Check(number == cues.Count + 1, $"counter {number} should be {cues.Count + 1}");
            var timing = SrtTiming().Match(lines[1]);
            Check(timing.Success, $"bad SubRip timing line '{lines[1]}'");
            var cue = new Cue(number, Ms(timing, 1), Ms(timing, 5), lines[2..]);
            Check(cue.Lines.All(l => l.Trim().Length > 0), "empty cue text");
            CheckTiming(cues, cue, requireOrderedStarts: false);
            cues.Add(cue);
        }

        return cues;
    }

    /// <summary>Validates the reading format and returns its paragraphs as (speaker, text).</summary>
    public static List<(string Speaker, string Text)> Text(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        Check(!text.Contains('\r'), "text export uses LF only");
        Check(text.EndsWith('\n') && !text.EndsWith("\n\n", StringComparison.Ordinal), "file must end with exactly one line break");
        var paragraphs = new List<(string Speaker, string Text)>();
        foreach (var paragraph in text[..^1].Split("\n\n"))
        {
            Check(!paragraph.Contains('\n'), $"a paragraph is one line: {paragraph}");
            var colon = paragraph.IndexOf(": ", StringComparison.Ordinal);
            Check(colon > 0, $"paragraph must start with 'Speaker: ': {paragraph}");
            var (speaker, said) = (paragraph[..colon], paragraph[(colon + 2)..]);
            Check(said.Trim().Length > 0 && said == said.Trim(), $"paragraph text empty or padded: '{paragraph}'");
            paragraphs.Add((speaker, said));
        }

        return paragraphs;
    }

    private static void CheckTiming(List<Cue> previous, Cue cue, bool requireOrderedStarts)
    {
        Check(cue.StartMs < cue.EndMs, $"cue must end after it starts: {cue.StartMs} → {cue.EndMs}");
        if (requireOrderedStarts && previous.Count > 0)
        {
            Check(cue.StartMs >= previous[^1].StartMs, "cues must be ordered by start time");
        }
    }

    private static void CheckEscaped(string text)
    {
        Check(!text.Contains('<') && !text.Contains('>'), $"unescaped '<' or '>' in '{text}'");
        Check(!BareAmpersand().IsMatch(text), $"unescaped '&' in '{text}'");
    }

    private static long Ms(Match timing, int group)
    {
        long Part(int g) => long.Parse(timing.Groups[g].Value, CultureInfo.InvariantCulture);
        return ((Part(group) * 60 + Part(group + 1)) * 60 + Part(group + 2)) * 1000 + Part(group + 3);
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException(message);
        }
    }

    [GeneratedRegex(@"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$")]
    private static partial Regex VttTiming();

    [GeneratedRegex(@"^(\d{2,}):([0-5]\d):([0-5]\d),(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d),(\d{3})$")]
    private static partial Regex SrtTiming();

    [GeneratedRegex(@"^<v (?<name>[^>]+)>(?<text>.*)$")]
    private static partial Regex VoiceLine();

    [GeneratedRegex(@"&(?!(amp|lt|gt);)")]
    private static partial Regex BareAmpersand();
}
