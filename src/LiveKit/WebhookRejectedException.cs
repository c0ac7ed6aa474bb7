namespace Scribe.LiveKit;

/// <summary>A webhook delivery that must not be trusted; the message says why.</summary>
public sealed class WebhookRejectedException : Exception
{
    public WebhookRejectedException()
    {
    }

    public WebhookRejectedException(string message)
        : base(message)
    {
    }

    public WebhookRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WebhookRejectedException(WebhookRejection reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    public WebhookRejection Reason { get; }
}
