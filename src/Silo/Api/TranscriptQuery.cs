using System.Globalization;

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
/// 400, not a silent default, so a typo never returns something other than what was asked for. A parameter given
/// twice arrives joined by a comma, which no value accepts.
/// </summary>
public sealed record TranscriptQuery(TranscriptFormat Format, long Since, bool IncludeInterim)
{
    /// <summary>Parses <c>format</c> (json|text|vtt|srt, default json), <c>since</c> (revision ≥ 0, default 0) and
    /// <c>interim</c> (true|false; default true for json, false for the exports).</summary>
    public static bool TryParse(string? format, string? since, string? interim, out TranscriptQuery parsed, out string error)
    {
        parsed = new TranscriptQuery(TranscriptFormat.Json, 0, true);
        var kind = TranscriptFormat.Json;
        if (format is not null)
        {
            kind = format.ToLowerInvariant() switch
            {
                "json" => TranscriptFormat.Json,
                "text" or "txt" => TranscriptFormat.Text,
                "vtt" or "webvtt" => TranscriptFormat.Vtt,
                "srt" => TranscriptFormat.Srt,
                _ => (TranscriptFormat)(-1),
            };
            if (!Enum.IsDefined(kind))
            {
                error = $"format must be json, text, vtt or srt, not '{format}'.";
                return false;
            }
        }

        if (!TryParseSince(since, out var from, out error))
        {
            return false;
        }

        var includeInterim = kind == TranscriptFormat.Json;
        if (interim is not null && !bool.TryParse(interim, out includeInterim))
        {
            error = $"interim must be true or false, not '{interim}'.";
            return false;
        }

        parsed = new TranscriptQuery(kind, from, includeInterim);
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
}
