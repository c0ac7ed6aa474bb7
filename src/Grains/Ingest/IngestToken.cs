using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Scribe.Ingest;

/// <summary>What an ingest URL lets its holder do: stream one track of one participant, until it expires.</summary>
public sealed record IngestGrant(string Room, string Identity, string TrackSid, DateTimeOffset ExpiresAt);

/// <summary>
/// The short-lived credential we put in the egress WebSocket URL: the grant, HMAC-SHA256 signed with a
/// cluster secret, in URL-safe base64. Egress connects within seconds, so minutes of validity are plenty.
/// </summary>
public sealed class IngestToken(byte[] secret)
{
    private const byte Version = 1;

    public string Create(IngestGrant grant)
    {
        var payload = Encode(grant);
        return $"{Base64Url.EncodeToString(payload)}.{Base64Url.EncodeToString(HMACSHA256.HashData(secret, payload))}";
    }

    /// <summary>Checks signature and expiry; the reason says what was wrong.</summary>
    public bool TryValidate(string? token, DateTimeOffset now, out IngestGrant? grant, out string reason)
    {
        grant = null;
        if (string.IsNullOrEmpty(token))
        {
            reason = "missing token";
            return false;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !TryFromBase64Url(token.AsSpan(..dot), out var payload) || !TryFromBase64Url(token.AsSpan(dot + 1), out var mac))
        {
            reason = "malformed token";
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(secret, payload), mac))
        {
            reason = "bad signature";
            return false;
        }

        if (!TryDecode(payload, out var decoded))
        {
            reason = "malformed token";
            return false;
        }

        if (decoded!.ExpiresAt <= now)
        {
            reason = "expired token";
            return false;
        }

        grant = decoded;
        reason = "";
        return true;
    }

    private static byte[] Encode(IngestGrant grant)
    {
        var text = Encoding.UTF8.GetBytes($"{grant.Room}\n{grant.Identity}\n{grant.TrackSid}");
        var payload = new byte[1 + sizeof(long) + text.Length];
        payload[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(1), grant.ExpiresAt.ToUnixTimeSeconds());
        text.CopyTo(payload.AsSpan(1 + sizeof(long)));
        return payload;
    }

    private static bool TryDecode(byte[] payload, out IngestGrant? grant)
    {
        grant = null;
        if (payload.Length < 1 + sizeof(long) || payload[0] != Version)
        {
            return false;
        }

        var expires = BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(1));
        var parts = Encoding.UTF8.GetString(payload.AsSpan(1 + sizeof(long))).Split('\n');
        if (parts.Length != 3 || parts.Any(string.IsNullOrEmpty))
        {
            return false;
        }

        grant = new IngestGrant(parts[0], parts[1], parts[2], DateTimeOffset.FromUnixTimeSeconds(expires));
        return true;
    }

    private static bool TryFromBase64Url(ReadOnlySpan<char> text, out byte[] data)
    {
        data = Base64Url.IsValid(text) ? Base64Url.DecodeFromChars(text) : [];
        return data.Length > 0;
    }
}
