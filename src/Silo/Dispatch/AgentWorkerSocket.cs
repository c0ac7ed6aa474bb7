using System.Net.WebSockets;
using Google.Protobuf;
using LiveKit.Proto;
using Microsoft.Extensions.Options;
using Scribe.LiveKit;

namespace Scribe.Silo.Dispatch;

/// <summary>
/// One connection to LiveKit's <c>/agent</c>: binary protobuf, <see cref="WorkerMessage"/> out and
/// <see cref="ServerMessage"/> in, one message per WebSocket message. Sends are serialised (the socket allows one at a time).
/// </summary>
internal sealed class AgentWorkerSocket : IAgentWorkerConnection
{
    private const int MaxMessageBytes = 1 << 20;

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);

    private AgentWorkerSocket()
    {
    }

    /// <summary>The worker endpoint of a LiveKit URL: ws(s)://host[/base]/agent.</summary>
    public static Uri EndpointOf(string liveKitUrl)
    {
        var builder = new UriBuilder(liveKitUrl);
        builder.Scheme = builder.Scheme switch { "https" or "wss" => "wss", _ => "ws" };
        builder.Path = builder.Path.TrimEnd('/') + "/agent";
        return builder.Uri;
    }

    /// <summary>Connects with a token that carries only the <c>agent</c> grant, as the server requires of workers.</summary>
    public static async Task<AgentWorkerSocket> ConnectAsync(LiveKitOptions options, CancellationToken cancellationToken)
    {
        var token = new AccessToken(options.ApiKey, options.ApiSecret)
        {
            Identity = options.AgentIdentity + "-worker",
            Ttl = TimeSpan.FromMinutes(10),
            Grant = new VideoGrant { Agent = true },
        }.ToJwt();
        var connection = new AgentWorkerSocket();
        connection._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        connection._socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        connection._socket.Options.CollectHttpResponseDetails = true; // a refused upgrade says why (401)
        try
        {
            await connection._socket.ConnectAsync(EndpointOf(options.Url), cancellationToken);
            return connection;
        }
        catch (WebSocketException e) when (connection._socket.HttpStatusCode is var status && (int)status >= 400)
        {
            await connection.DisposeAsync();
            throw new AgentWorkerRefusedException((int)status, e);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task SendAsync(WorkerMessage message, CancellationToken cancellationToken)
    {
        var bytes = message.ToByteArray();
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>The next message from the server, or null once it closed the socket.</summary>
    public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(chunk, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Write(chunk, 0, result.Count);
            if (buffer.Length > MaxMessageBytes)
            {
                throw new InvalidDataException($"a message from /agent is larger than {MaxMessageBytes} bytes");
            }

            if (result.EndOfMessage)
            {
                return buffer.ToArray();
            }
        }
    }

    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "worker stopping", cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _sending.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Connects to the configured server.</summary>
    public sealed class Connector(IOptions<LiveKitOptions> options) : IAgentWorkerConnector
    {
        public async Task<IAgentWorkerConnection> ConnectAsync(CancellationToken cancellationToken) =>
            await AgentWorkerSocket.ConnectAsync(options.Value, cancellationToken);
    }
}
