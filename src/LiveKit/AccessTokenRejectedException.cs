namespace Scribe.LiveKit;

/// <summary>A LiveKit token that failed verification; <see cref="Reason"/> says which check.</summary>
public sealed class AccessTokenRejectedException : Exception
{
    public AccessTokenRejectedException()
    {
    }

    public AccessTokenRejectedException(string message)
        : base(message)
    {
    }

    public AccessTokenRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AccessTokenRejectedException(AccessTokenRejection reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public AccessTokenRejection Reason { get; }
}
