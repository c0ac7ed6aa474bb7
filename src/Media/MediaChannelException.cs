namespace Scribe.Media;

/// <summary>A frame that breaks the media channel's format; the connection that sent it is dropped.</summary>
public sealed class MediaChannelException : Exception
{
    public MediaChannelException()
    {
    }

    public MediaChannelException(string message) : base(message)
    {
    }

    public MediaChannelException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
