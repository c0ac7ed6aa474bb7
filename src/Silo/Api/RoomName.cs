using System.Text;

namespace Scribe.Silo.Api;

/// <summary>
/// A room name as the API takes it: what LiveKit server accepts (not empty, at most <see cref="MaxBytes"/> bytes of
/// UTF-8: its <c>limit.max_room_name_length</c> default, checked by length in bytes) and no control or line-separator
/// characters, which LiveKit lets through but which would split our log lines and our exports' headers.
/// </summary>
public static class RoomName
{
    public const int MaxBytes = 256;

    /// <returns>Why <paramref name="name"/> is refused, or null when it is a room name.</returns>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A room name must not be empty.";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                return $"A room name must not hold control characters (U+{(int)c:X4} at {i}).";
            }

            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return "A room name must be valid Unicode text.";
            }
        }

        return Encoding.UTF8.GetByteCount(name) > MaxBytes ? $"A room name is at most {MaxBytes} bytes of UTF-8, as LiveKit's." : null;
    }

    /// <summary>
    /// The name as a log line may carry it: control characters escaped (<c>\u000A</c>), at most 300 characters. For
    /// names that did not come through <see cref="Problem"/> (or might not have).
    /// </summary>
    public static string ForLog(string? name)
    {
        if (name is null)
        {
            return "(none)";
        }

        var safe = new StringBuilder(Math.Min(name.Length, 300));
        foreach (var c in name)
        {
            if (safe.Length >= 300)
            {
                return safe.Append('…').ToString();
            }

            if (char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c))
            {
                safe.Append(@"\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                safe.Append(c);
            }
        }

        return safe.ToString();
    }
}
