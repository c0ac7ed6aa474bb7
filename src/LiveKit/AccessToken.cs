using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scribe.LiveKit;

/// <summary>
/// Builds a LiveKit access token: HS256 with the API secret, <c>iss</c> = API key, <c>sub</c> = identity,
/// <c>nbf</c>/<c>exp</c>, and the grants as LiveKit's claim names (<c>video</c>, <c>name</c>, <c>metadata</c>,
/// <c>attributes</c>, <c>sha256</c>).
/// </summary>
public sealed class AccessToken(string apiKey, string apiSecret)
{
    /// <summary>LiveKit's own SDKs default to six hours.</summary>
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromHours(6);

    private readonly string _apiKey = string.IsNullOrEmpty(apiKey) ? throw new ArgumentException("An API key is required.", nameof(apiKey)) : apiKey;
    private readonly string _apiSecret = string.IsNullOrEmpty(apiSecret) ? throw new ArgumentException("An API secret is required.", nameof(apiSecret)) : apiSecret;

    public string? Identity { get; init; }
    public string? Name { get; init; }
    public TimeSpan Ttl { get; init; } = DefaultTtl;
    public VideoGrant? Grant { get; init; }
    public string? Metadata { get; init; }
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>Participant kind claim ("agent", "standard" …), rarely needed.</summary>
    public string? Kind { get; init; }

    /// <summary>Base64 SHA-256 of a body: how LiveKit signs its webhooks.</summary>
    public string? Sha256 { get; init; }

    public string ToJwt() => ToJwt(DateTimeOffset.UtcNow);

    public string ToJwt(DateTimeOffset now)
    {
        if (Ttl <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("An access token needs a positive Ttl.");
        }

        if (Grant?.RoomJoin == true && string.IsNullOrEmpty(Identity))
        {
            throw new InvalidOperationException("An identity is required for a token that joins a room.");
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (Grant is not null)
            {
                json.WritePropertyName("video");
                JsonSerializer.Serialize(json, Grant, GrantJson);
            }

            WriteIfSet(json, "name", Name);
            WriteIfSet(json, "metadata", Metadata);
            if (Attributes is { Count: > 0 })
            {
                json.WriteStartObject("attributes");
                foreach (var (key, value) in Attributes)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            WriteIfSet(json, "kind", Kind);
            WriteIfSet(json, "sha256", Sha256);
            json.WriteString("iss", _apiKey);
            WriteIfSet(json, "sub", Identity);
            json.WriteNumber("nbf", now.ToUnixTimeSeconds());
            json.WriteNumber("exp", (now + Ttl).ToUnixTimeSeconds());
            json.WriteEndObject();
        }

        return Hs256Jwt.Sign(buffer.ToArray(), _apiSecret);
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }

    internal static readonly JsonSerializerOptions GrantJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
