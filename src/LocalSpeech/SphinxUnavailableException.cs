namespace Scribe.LocalSpeech;

/// <summary>PocketSphinx cannot run here: its library or model is missing, or it refused to load.</summary>
public sealed class SphinxUnavailableException : Exception
{
    public SphinxUnavailableException()
    {
    }

    public SphinxUnavailableException(string message)
        : base(message)
    {
    }

    public SphinxUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
