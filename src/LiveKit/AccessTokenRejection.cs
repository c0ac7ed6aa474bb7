namespace Scribe.LiveKit;

/// <summary>Why a LiveKit token or webhook was refused.</summary>
public enum AccessTokenRejection
{
    Malformed,
    UnsupportedAlgorithm,
    UnknownKey,
    BadSignature,
    Expired,
    NotYetValid,
}
