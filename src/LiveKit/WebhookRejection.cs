namespace Scribe.LiveKit;

/// <summary>Which check refused a webhook delivery.</summary>
public enum WebhookRejection
{
    MissingHeader,
    MalformedToken,
    UnknownKey,
    BadSignature,
    Expired,
    MissingChecksum,
    ChecksumMismatch,
    MalformedBody,
}
