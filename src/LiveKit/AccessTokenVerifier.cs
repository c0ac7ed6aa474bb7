using System.Text.Json;

namespace Scribe.LiveKit;

/// <summary>
/// Verifies LiveKit tokens (ours, LiveKit's webhook signatures, any SDK's): HS256 signature with the
/// secret of the issuing key, <c>exp</c> required, <c>nbf</c> and <c>iat</c> honoured, all with a small clock skew.
/// </summary>
public sealed class AccessTokenVerifier
{
    /// <summary>The same tolerance LiveKit's JavaScript SDK allows.</summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyDictionary<string, string> _secrets;

    public AccessTokenVerifier(string apiKey, string apiSecret)
        : this(new Dictionary<string, string>(StringComparer.Ordinal) { [apiKey] = apiSecret })
    {
    }

    public AccessTokenVerifier(IReadOnlyDictionary<string, string> secretsByKey)
    {
        ArgumentNullException.ThrowIfNull(secretsByKey);
        if (secretsByKey.Count == 0 || secretsByKey.Any(p => string.IsNullOrEmpty(p.Key) || string.IsNullOrEmpty(p.Value)))
        {
            throw new ArgumentException("At least one API key with a non-empty secret is required.", nameof(secretsByKey));
        }

        _secrets = secretsByKey;
    }

    public TimeSpan ClockSkew { get; init; } = DefaultClockSkew;

    /// <exception cref="AccessTokenRejectedException">The token is malformed, unknown, forged or out of time.</exception>
    public AccessTokenClaims Verify(string token, DateTimeOffset? now = null)
    {
        var jwt = Hs256Jwt.TryDecode(token ?? "")
            ?? throw new AccessTokenRejectedException(AccessTokenRejection.Malformed, "token is not a well-formed JWT");
        if (!string.Equals(jwt.Algorithm, "HS256", StringComparison.Ordinal))
        {
            throw new AccessTokenRejectedException(AccessTokenRejection.UnsupportedAlgorithm, $"token algorithm '{jwt.Algorithm}' is not HS256");
        }

        var payload = jwt.Payload;
        var issuer = ReadString(payload, "iss");
        if (issuer is null || !_secrets.TryGetValue(issuer, out var secret))
        {
            throw new AccessTokenRejectedException(AccessTokenRejection.UnknownKey, $"unknown API key '{issuer}'");
        }

        if (!Hs256Jwt.HasValidSignature(jwt, secret))
        {
            throw new AccessTokenRejectedException(AccessTokenRejection.BadSignature, "token signature is invalid");
        }

        var at = now ?? DateTimeOffset.UtcNow;
        var expires = ReadTime(payload, "exp")
            ?? throw new AccessTokenRejectedException(AccessTokenRejection.Expired, "token has no expiry (exp)");
        if (expires + ClockSkew < at)
        {
            throw new AccessTokenRejectedException(AccessTokenRejection.Expired, $"token expired at {expires:O}");
        }

        var notBefore = ReadTime(payload, "nbf");
        if (notBefore - ClockSkew > at)
        {
            throw new AccessTokenRejectedException(AccessTokenRejection.NotYetValid, $"token is not valid before {notBefore:O}");
        }

        var issuedAt = ReadTime(payload, "iat");
        if (issuedAt - ClockSkew > at)
        {
            throw new AccessTokenRejectedException(AccessTokenRejection.NotYetValid, $"token was issued in the future, at {issuedAt:O}");
        }

        VideoGrant? video = null;
        if (payload.TryGetProperty("video", out var videoJson) && videoJson.ValueKind == JsonValueKind.Object)
        {
            try
            {
                video = videoJson.Deserialize<VideoGrant>(AccessToken.GrantJson);
            }
            catch (JsonException ex)
            {
                throw new AccessTokenRejectedException(AccessTokenRejection.Malformed, "token video grant is malformed: " + ex.Message);
            }
        }

        return new AccessTokenClaims
        {
            Issuer = issuer,
            Identity = ReadString(payload, "sub"),
            Name = ReadString(payload, "name"),
            Metadata = ReadString(payload, "metadata"),
            Kind = ReadString(payload, "kind"),
            Sha256 = ReadString(payload, "sha256"),
            Video = video,
            Attributes = ReadMap(payload, "attributes"),
            NotBefore = notBefore,
            ExpiresAt = expires,
        };
    }

    private static string? ReadString(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A JSON object of strings; a value of another kind keeps its JSON text, a repeated name its last value.</summary>
    private static Dictionary<string, string> ReadMap(JsonElement payload, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in v.EnumerateObject())
            {
                map[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() ?? "" : property.Value.GetRawText();
            }
        }

        return map;
    }

    private static DateTimeOffset? ReadTime(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var seconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;
}
