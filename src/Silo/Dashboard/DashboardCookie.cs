using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Scribe.Silo.Dashboard;

/// <summary>
/// The cookie that lets a browser open the Orleans Dashboard at <c>/orleans</c>: a browser navigating there
/// cannot send a bearer header, so our dashboard asks for this cookie once the admin key was accepted.
/// Its value is <c>{expiry}.{HMAC-SHA256(admin key, expiry)}</c>: it is not the key, it expires, and every silo
/// with the same key can check it without shared state.
/// </summary>
public sealed class DashboardCookie(byte[] adminKey, TimeProvider time)
{
    public const string Name = "scribe-orleans";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public string Issue()
    {
        var expires = time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return expires + "." + Convert.ToHexStringLower(Sign(expires));
    }

    public bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Split('.') is not [var expires, var signature]
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        byte[] presented;
        try
        {
            presented = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(presented, Sign(expires));
    }

    private byte[] Sign(string expires) => HMACSHA256.HashData(adminKey, Encoding.UTF8.GetBytes("orleans-dashboard|" + expires));
}
