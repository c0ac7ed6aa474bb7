using LiveKit.Proto;

namespace Scribe.Silo.Dispatch;

/// <summary>One connection to LiveKit's <c>/agent</c>, as the worker uses it: whole messages out, raw frames in (the worker parses them, so a bad one costs the frame, not the connection).</summary>
internal interface IAgentWorkerConnection : IAsyncDisposable
{
    Task SendAsync(WorkerMessage message, CancellationToken cancellationToken);

    /// <summary>The next binary message from the server, or null once it closed the connection.</summary>
    Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken);

    Task CloseAsync(CancellationToken cancellationToken);
}

/// <summary>Opens a worker connection; throws <see cref="AgentWorkerRefusedException"/> when the server refuses the upgrade.</summary>
internal interface IAgentWorkerConnector
{
    Task<IAgentWorkerConnection> ConnectAsync(CancellationToken cancellationToken);
}

/// <summary>LiveKit answered the WebSocket upgrade with an HTTP error: 401 when the key, secret or agent grant is wrong.</summary>
internal sealed class AgentWorkerRefusedException(int statusCode, Exception inner)
    : Exception($"LiveKit refused the agent worker's connection with HTTP {statusCode}", inner)
{
    public int StatusCode { get; } = statusCode;
}
