using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Scribe.Tests.Speech;

/// <summary>A bare client of the vLLM realtime protocol for tests: raw events in, parsed events out.</summary>
public sealed class RealtimeTestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private RealtimeTestClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<RealtimeTestClient> ConnectAsync(Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(uri, cancellationToken);
        return new RealtimeTestClient(socket);
    }

    public Task SendTextAsync(string text, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public Task SendBinaryAsync(byte[] data, CancellationToken cancellationToken) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

    public Task SendAsync(JsonObject message, CancellationToken cancellationToken) => SendTextAsync(message.ToJsonString(), cancellationToken);

    public Task UpdateSessionAsync(string model, CancellationToken cancellationToken) =>
        SendAsync(new JsonObject { ["type"] = "session.update", ["model"] = model }, cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken, bool final = false) =>
        SendAsync(final
            ? new JsonObject { ["type"] = "input_audio_buffer.commit", ["final"] = true }
            : new JsonObject { ["type"] = "input_audio_buffer.commit" }, cancellationToken);

    public Task AppendBytesAsync(byte[] pcm, CancellationToken cancellationToken) =>
        SendAsync(new JsonObject { ["type"] = "input_audio_buffer.append", ["audio"] = Convert.ToBase64String(pcm) }, cancellationToken);

    /// <summary>Sends <paramref name="samples"/> in 100 ms appends, as fast as the socket takes them.</summary>
    public async Task AppendAsync(short[] samples, CancellationToken cancellationToken)
    {
        const int chunk = 1600;
        for (var offset = 0; offset < samples.Length; offset += chunk)
        {
            var part = samples.AsSpan(offset, Math.Min(chunk, samples.Length - offset));
            var bytes = new byte[part.Length * 2];
            Buffer.BlockCopy(samples, offset * 2, bytes, 0, bytes.Length);
            await AppendBytesAsync(bytes, cancellationToken);
        }
    }

    /// <summary>The next event, or null once the server closed the socket.</summary>
    public async Task<JsonElement?> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var received = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                using var document = JsonDocument.Parse(message.ToArray());
                return document.RootElement.Clone();
            }
        }
    }

    /// <summary>The next event, which must be of <paramref name="type"/>.</summary>
    public async Task<JsonElement> ExpectAsync(string type, CancellationToken cancellationToken)
    {
        var received = await ReceiveAsync(cancellationToken) ?? throw new InvalidOperationException($"socket closed while waiting for {type}");
        Assert.True(received.GetProperty("type").GetString() == type, $"expected {type}, got {received}");
        return received;
    }

    /// <summary>The next event, which must be an error with <paramref name="code"/>.</summary>
    public async Task<JsonElement> ExpectErrorAsync(string code, CancellationToken cancellationToken)
    {
        var error = await ExpectAsync("error", cancellationToken);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("error").GetString()));
        return error;
    }

    /// <summary>Collects deltas until the generation's done.</summary>
    public async Task<(IReadOnlyList<string> Deltas, JsonElement Done)> CollectGenerationAsync(CancellationToken cancellationToken)
    {
        var deltas = new List<string>();
        while (true)
        {
            var received = await ReceiveAsync(cancellationToken) ?? throw new InvalidOperationException("socket closed during a generation");
            switch (received.GetProperty("type").GetString())
            {
                case "transcription.delta":
                    deltas.Add(received.GetProperty("delta").GetString()!);
                    break;
                case "transcription.done":
                    return (deltas, received);
                default:
                    throw new InvalidOperationException($"unexpected event during a generation: {received}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server went first; nothing left to close.
            }
        }

        _socket.Dispose();
    }
}
