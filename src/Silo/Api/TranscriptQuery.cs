using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Scribe.Silo.Api;

public enum TranscriptFormat
{
    Json,
    Text,
    Vtt,
    Srt,
}

/// <summary>
/// The query of <c>GET /api/rooms/{room}/transcript</c>, read strictly: a value we do not understand is a
/// 400, not a silent default, so a typo never returns something other than what was asked for.
/// </summary>
public sealed record TranscriptQuery(TranscriptFormat Format, long Since, bool IncludeInterim)
{
    /// <summary>Parses <c>format</c> (json|text|vtt|srt, default json), <c>since</c> (revision ≥ 0, default 0) and
    /// <c>interim</c> (true|false; default true for json, false for the exports).</summary>
    public static bool TryParse(IQueryCollection query, out TranscriptQuery parsed, out string error)
    {
        ArgumentNullException.ThrowIfNull(query);
        parsed = new TranscriptQuery(TranscriptFormat.Json, 0, true);
        var format = TranscriptFormat.Json;
        if (Single(query, "format", out error) is { } f)
        {
            format = f.ToLowerInvariant() switch
            {
                "json" => TranscriptFormat.Json,
                "text" or "txt" => TranscriptFormat.Text,
                "vtt" or "webvtt" => TranscriptFormat.Vtt,
                "srt" => TranscriptFormat.Srt,
                _ => (TranscriptFormat)(-1),
            };
            if (!Enum.IsDefined(format))
            {
                error = $"format must be json, text, vtt or srt, not '{f}'.";
                return false;
            }
        }
        else if (error.Length > 0)
        {
            return false;
        }

        var sinceValue = Single(query, "since", out error);
        if (error.Length > 0 || !TryParseSince(sinceValue, out var since, out error))
        {
            return false;
        }

        var includeInterim = format == TranscriptFormat.Json;
        if (Single(query, "interim", out error) is { } interim)
        {
            if (!bool.TryParse(interim, out includeInterim))
            {
                error = $"interim must be true or false, not '{interim}'.";
                return false;
            }
        }
        else if (error.Length > 0)
        {
            return false;
        }

        parsed = new TranscriptQuery(format, since, includeInterim);
        return true;
    }

    /// <summary>A revision to read from: absent means 0; anything but a whole number ≥ 0 is an error.</summary>
    public static bool TryParseSince(string? value, out long since, out string error)
    {
        since = 0;
        error = "";
        if (value is null)
        {
            return true;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out since))
        {
            error = $"since must be a revision ≥ 0, not '{value}'.";
            return false;
        }

        return true;
    }

    private static string? Single(IQueryCollection query, string name, out string error)
    {
        error = "";
        if (!query.TryGetValue(name, out StringValues values) || values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            error = $"{name} is given more than once.";
            return null;
        }

        return values[0];
    }
}
