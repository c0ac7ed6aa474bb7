using Microsoft.Extensions.Options;

namespace Scribe.LocalSpeech;

/// <summary>Admission and load of the endpoint: open sessions against the cap, and running generations.</summary>
internal sealed class LocalSpeechSessions(IOptions<LocalSpeechOptions> options)
{
    private int _active;
    private int _running;

    public int MaxSessions { get; } = options.Value.MaxSessions;

    /// <summary>Open realtime sockets (vLLM's <c>websocket_connections_active</c>).</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Generations between commit and done (vLLM's <c>num_requests_running</c>).</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Takes a slot; false when all <see cref="MaxSessions"/> are taken.</summary>
    public bool TryOpen()
    {
        while (true)
        {
            var current = Volatile.Read(ref _active);
            if (current >= MaxSessions)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _active, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Close() => Interlocked.Decrement(ref _active);

    public void GenerationStarted() => Interlocked.Increment(ref _running);

    public void GenerationEnded() => Interlocked.Decrement(ref _running);
}
