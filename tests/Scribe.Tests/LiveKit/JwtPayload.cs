using System.Buffers.Text;
using System.Text.Json.Nodes;

namespace Scribe.Tests.LiveKit;

/// <summary>Reads a JWT's parts without verifying it, to check exactly what a token carries.</summary>
internal static class JwtPayload
{
    public static JsonObject Header(string jwt) => Part(jwt, 0);

    public static JsonObject Claims(string jwt) => Part(jwt, 1);

    /// <summary>Re-encodes the payload with a change and keeps the old signature: a forgery.</summary>
    public static string WithClaims(string jwt, Action<JsonObject> change)
    {
        var parts = jwt.Split('.');
        var claims = Claims(jwt);
        change(claims);
        return parts[0] + "." + Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(claims.ToJsonString())) + "." + parts[2];
    }

    /// <summary>Re-encodes the payload with a change and signs it again with <paramref name="secret"/>: a genuine token.</summary>
    public static string Resigned(string jwt, string secret, Action<JsonObject> change)
    {
        var parts = WithClaims(jwt, change).Split('.');
        var signingInput = parts[0] + "." + parts[1];
        var signature = System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    private static JsonObject Part(string jwt, int index) =>
        JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[index]))!.AsObject();
}
