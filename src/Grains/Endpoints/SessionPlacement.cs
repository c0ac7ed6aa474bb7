namespace Scribe.Endpoints;

/// <summary>
/// A realtime session's place on an endpoint, counted against its <see cref="InferenceEndpoint.MaxSessions"/> by the
/// picker that placed it; disposing it frees the place (twice is harmless).
/// </summary>
public sealed class SessionPlacement(InferenceEndpoint endpoint, Action<InferenceEndpoint> release) : IDisposable
{
    private int _released;

    public InferenceEndpoint Endpoint { get; } = endpoint;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release(Endpoint);
        }
    }
}
