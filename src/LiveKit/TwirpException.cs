namespace Scribe.LiveKit;

/// <summary>
/// A LiveKit server API call that failed. <see cref="Code"/> is the Twirp error code ("not_found",
/// "permission_denied", "unauthenticated", "invalid_argument", "internal" …); when the server's answer
/// was not Twirp JSON it is derived from <see cref="HttpStatus"/> the way Twirp clients do.
/// </summary>
public sealed class TwirpException : Exception
{
    public TwirpException()
    {
    }

    public TwirpException(string message)
        : base(message)
    {
    }

    public TwirpException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TwirpException(string code, string message, int httpStatus)
        : base(message)
    {
        Code = code;
        HttpStatus = httpStatus;
    }

    public string Code { get; } = "unknown";

    public int HttpStatus { get; }

    /// <summary>The server's own message (Twirp <c>msg</c>, or the plain body).</summary>
    public string ServerMessage { get; init; } = "";
}
