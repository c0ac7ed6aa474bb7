using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Proto = LiveKit.Proto;

namespace Scribe.LiveKit;

/// <summary>
/// Verifies and parses LiveKit webhooks. LiveKit posts the event as protobuf JSON with
/// <c>Authorization: &lt;jwt&gt;</c>, a token signed by one of our API keys whose <c>sha256</c> claim is the
/// base64 SHA-256 of the exact body bytes. Anything that does not check out is refused.
/// </summary>
public sealed class WebhookReceiver
{
    /// <summary>
    /// LiveKit's own webhook verifier allows a minute of clock skew and its notifier does not retry a refused
    /// delivery, so a stricter check here would silently lose events whenever the two clocks drift apart.
    /// </summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);

    /// <summary>Invalid UTF-8 is refused as a malformed body rather than read as replacement characters.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly AccessTokenVerifier _verifier;

    public WebhookReceiver(string apiKey, string apiSecret)
    {
        _verifier = new AccessTokenVerifier(apiKey, apiSecret) { ClockSkew = ClockSkew };
    }

    public WebhookReceiver(IReadOnlyDictionary<string, string> secretsByKey)
    {
        _verifier = new AccessTokenVerifier(secretsByKey) { ClockSkew = ClockSkew };
    }

    /// <exception cref="WebhookRejectedException">Missing header, unknown key, bad signature, expired, checksum mismatch or malformed body.</exception>
    public WebhookEvent Receive(ReadOnlySpan<byte> body, string? authorizationHeader, DateTimeOffset? now = null)
    {
        var token = authorizationHeader?.Trim();
        if (token is not null && token.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase)
            && (token.Length == "Bearer".Length || char.IsWhiteSpace(token["Bearer".Length])))
        {
            // LiveKit sends the bare token; a proxy or a hand-made request may add the scheme.
            token = token["Bearer".Length..].Trim();
        }

        if (string.IsNullOrEmpty(token))
        {
            throw new WebhookRejectedException(WebhookRejection.MissingHeader, "webhook rejected: the Authorization header is missing");
        }

        AccessTokenClaims claims;
        try
        {
            claims = _verifier.Verify(token, now);
        }
        catch (AccessTokenRejectedException ex)
        {
            var reason = ex.Reason switch
            {
                AccessTokenRejection.UnknownKey => WebhookRejection.UnknownKey,
                AccessTokenRejection.BadSignature => WebhookRejection.BadSignature,
                AccessTokenRejection.Expired or AccessTokenRejection.NotYetValid => WebhookRejection.Expired,
                _ => WebhookRejection.MalformedToken,
            };
            throw new WebhookRejectedException(reason, "webhook rejected: " + ex.Message, ex);
        }

        if (string.IsNullOrEmpty(claims.Sha256))
        {
            throw new WebhookRejectedException(WebhookRejection.MissingChecksum, "webhook rejected: the token carries no sha256 checksum of the body");
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        var expected = Encoding.ASCII.GetBytes(Convert.ToBase64String(hash));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(claims.Sha256)))
        {
            throw new WebhookRejectedException(WebhookRejection.ChecksumMismatch, "webhook rejected: the body does not match the sha256 checksum of its token");
        }

        return Parse(body);
    }

    /// <summary>Parses a body that has already been verified (or that a test builds).</summary>
    public static WebhookEvent Parse(ReadOnlySpan<byte> body)
    {
        Proto.WebhookEvent parsed;
        try
        {
            parsed = ProtoJson.Parse<Proto.WebhookEvent>(StrictUtf8.GetString(body));
        }
        catch (DecoderFallbackException ex)
        {
            throw new WebhookRejectedException(WebhookRejection.MalformedBody, "webhook rejected: the body is not UTF-8", ex);
        }
        catch (InvalidJsonException ex)
        {
            throw new WebhookRejectedException(WebhookRejection.MalformedBody, "webhook rejected: the body is not valid JSON", ex);
        }
        catch (InvalidProtocolBufferException ex)
        {
            // Valid JSON that is not an object, or a value of the wrong type for its field.
            throw new WebhookRejectedException(WebhookRejection.MalformedBody, "webhook rejected: the body is not a webhook event", ex);
        }

        return string.IsNullOrEmpty(parsed.Event)
            ? throw new WebhookRejectedException(WebhookRejection.MalformedBody, "webhook rejected: the body has no event name")
            : WebhookEvent.FromProto(parsed);
    }
}
