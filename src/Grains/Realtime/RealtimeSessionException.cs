namespace Scribe.Realtime;

/// <summary>A realtime endpoint could not be reached, or it broke the protocol.</summary>
public sealed class RealtimeSessionException(InferenceEndpoint endpoint, string message, Exception? inner = null)
    : Exception($"Realtime endpoint {endpoint}: {message}", inner)
{
    public InferenceEndpoint Endpoint { get; } = endpoint;
}
