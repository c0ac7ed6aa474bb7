using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Scribe.LiveKit;

/// <summary>
/// Compact HS256 JWTs, done by hand because LiveKit secrets may be shorter than the 256-bit keys that
/// Microsoft.IdentityModel insists on (the dev server's secret is literally "secret"), and because
/// webhook verification must say precisely why a token was refused.
/// </summary>
internal static class Hs256Jwt
{
    private static readonly string EncodedHeader = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);

    public static string Sign(ReadOnlySpan<byte> payloadJson, string secret)
    {
        var signingInput = EncodedHeader + "." + Base64Url.EncodeToString(payloadJson);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Splits and decodes a token without trusting it; null when it is not a well-formed JWT.</summary>
    public static UnverifiedJwt? TryDecode(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            if (header.RootElement.ValueKind != JsonValueKind.Object || payload.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var algorithm = header.RootElement.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String
                ? alg.GetString() ?? ""
                : "";
            return new UnverifiedJwt(algorithm, payload.RootElement.Clone(), parts[0] + "." + parts[1], Base64Url.DecodeFromChars(parts[2]));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    public static bool HasValidSignature(UnverifiedJwt jwt, string secret)
    {
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(jwt.SigningInput));
        return CryptographicOperations.FixedTimeEquals(expected, jwt.Signature);
    }
}

internal sealed record UnverifiedJwt(string Algorithm, JsonElement Payload, string SigningInput, byte[] Signature);
