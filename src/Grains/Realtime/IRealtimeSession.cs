namespace Scribe.Realtime;

/// <summary>
/// One open realtime session on an endpoint (protocols.md §1), after <c>session.created</c> and
/// <c>session.update</c>: the owner drives generations and reads the server's events. Sends may be concurrent
/// with the one reader. A lost connection shows as an exception from a send or a receive, or a null event.
/// </summary>
public interface IRealtimeSession : IAsyncDisposable
{
    InferenceEndpoint Endpoint { get; }

    /// <summary>The server's session id (<c>sess-…</c>).</summary>
    string Id { get; }

    /// <summary>Starts a generation.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Ends the running generation's audio; the server answers with <c>transcription.done</c>.</summary>
    ValueTask CommitFinalAsync(CancellationToken cancellationToken);

    /// <summary>Sends 16 kHz mono PCM16 samples in one append event.</summary>
    ValueTask AppendAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken);

    /// <summary>Reads the next server event; null when the server closed the session.</summary>
    ValueTask<RealtimeServerEvent?> ReceiveAsync(CancellationToken cancellationToken);
}

/// <summary>Opens realtime sessions on endpoints.</summary>
public interface IRealtimeConnector
{
    /// <exception cref="RealtimeSessionException">The endpoint could not be reached or broke the protocol.</exception>
    Task<IRealtimeSession> OpenAsync(InferenceEndpoint endpoint, string? language, TimeSpan handshakeTimeout, CancellationToken cancellationToken);
}

/// <summary>Sessions over vLLM's realtime WebSocket.</summary>
public sealed class WebSocketRealtimeConnector : IRealtimeConnector
{
    public static WebSocketRealtimeConnector Instance { get; } = new();

    public async Task<IRealtimeSession> OpenAsync(
        InferenceEndpoint endpoint, string? language, TimeSpan handshakeTimeout, CancellationToken cancellationToken) =>
        await RealtimeSession.OpenAsync(endpoint, language, handshakeTimeout, cancellationToken).ConfigureAwait(false);
}
