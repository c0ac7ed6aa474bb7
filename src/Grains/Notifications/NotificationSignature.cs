using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Scribe.Notifications;

/// <summary>
/// The <c>Scribe-Signature</c> header of a notification: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "&lt;t&gt;.&lt;body&gt;"&gt;</c>
/// under <c>Notifications:Secret</c>. The time is signed with the body, so a receiver that refuses old times
/// refuses replays.
/// </summary>
public static class NotificationSignature
{
    public const string Header = "Scribe-Signature";

    public static string Sign(string secret, DateTimeOffset time, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var t = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Mac(secret, t, body))}";
    }

    /// <summary>What a receiver does: parse, recompute, compare in constant time, and refuse a time outside <paramref name="tolerance"/>.</summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(secret);
        string? t = null;
        byte[]? v1 = null;
        foreach (var part in (header ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                t = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal) && part.Length == 3 + 64)
            {
                try
                {
                    v1 = Convert.FromHexString(part.AsSpan(3));
                }
                catch (FormatException)
                {
                    return false;
                }
            }
        }

        return t is not null && v1 is not null
            && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && Math.Abs(now.ToUnixTimeSeconds() - seconds) <= tolerance.TotalSeconds
            && CryptographicOperations.FixedTimeEquals(Mac(secret, t, body), v1);
    }

    private static byte[] Mac(string secret, string t, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(t + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }
}
