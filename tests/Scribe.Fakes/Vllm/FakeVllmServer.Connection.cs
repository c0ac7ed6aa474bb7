using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Scribe.Fakes.Vllm;

public sealed partial class FakeVllmServer
{
    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();

    /// <summary>Admits a realtime socket as vLLM does (503 when refusing or full) and serves it until it goes.</summary>
    private async Task AcceptAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            return;
        }

        if (Refusing || Interlocked.Increment(ref _active) > MaxSessions)
        {
            if (!Refusing)
            {
                Interlocked.Decrement(ref _active);
            }

            http.Response.StatusCode = 503;
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        _sockets[socket] = 0;
        Interlocked.Increment(ref _sessionsOpened);
        try
        {
            await using var connection = new Connection(this, socket);
            await connection.RunAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>One realtime connection, handled the way vLLM's serving loop does, plus strict checks.</summary>
    private sealed partial class Connection(FakeVllmServer server, WebSocket socket) : IAsyncDisposable
    {
        private readonly string _id = $"sess-{Guid.NewGuid():N}";
        private bool _validated;

        /// <summary>A connection that goes mid-generation ends its engine request: the slot frees.</summary>
        public ValueTask DisposeAsync()
        {
            ReleaseSlot();
            return ValueTask.CompletedTask;
        }

        private void ReleaseSlot()
        {
            if (_holdsSlot)
            {
                _holdsSlot = false;
                server.GenerationSlots.Exit();
            }
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await SendAsync(new { type = "session.created", id = _id, created = DateTimeOffset.UtcNow.ToUnixTimeSeconds() }, cancellationToken);
            var buffer = new ArrayBufferWriter<byte>();
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(8192), cancellationToken);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    // vLLM reads text only: its handler fails on a binary frame and the connection ends.
                    server.Violations.Enqueue("binary frame (vLLM reads text only)");
                    await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, "text frames only", cancellationToken);
                    return;
                }

                await HandleAsync(buffer.WrittenMemory, cancellationToken);
            }
        }

        private async Task HandleAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(message);
            }
            catch (JsonException)
            {
                await ViolateAsync("invalid JSON", "invalid_json", cancellationToken);
                return;
            }

            using var parsed = document;
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                // vLLM parses it, then fails to read it as an event.
                await ViolateAsync("event that is not a JSON object", "processing_error", cancellationToken);
                return;
            }

            switch (root.TryGetProperty("type", out var type) ? type.GetString() : null)
            {
                case "session.update":
                    await UpdateSessionAsync(root, cancellationToken);
                    break;

                case "input_audio_buffer.append":
                    await AppendAsync(root, cancellationToken);
                    break;

                case "input_audio_buffer.commit" when root.TryGetProperty("final", out var final) && final.ValueKind == JsonValueKind.True:
                    await CommitFinalAsync(cancellationToken);
                    break;

                case "input_audio_buffer.commit":
                    await CommitAsync(cancellationToken);
                    break;

                default:
                    await ViolateAsync($"unknown event {root.GetRawText()[..Math.Min(80, root.GetRawText().Length)]}", "unknown_event", cancellationToken);
                    break;
            }
        }

        private async Task UpdateSessionAsync(JsonElement root, CancellationToken cancellationToken)
        {
            if (!root.TryGetProperty("model", out var model) || model.GetString() is not { Length: > 0 } name)
            {
                await ViolateAsync("session.update without model", "invalid_event", cancellationToken);
            }
            else if (name != server.Model)
            {
                await ViolateAsync($"model {name} not served", "model_not_found", cancellationToken);
            }
            else
            {
                _validated = true;
            }
        }

        private async Task CommitFinalAsync(CancellationToken cancellationToken)
        {
            if (_doomed && _generation is not null)
            {
                await FailGenerationAsync(cancellationToken);
            }
            else if (_dead)
            {
                // the engine request is gone: nothing reads the commit
            }
            else if (_generation is null)
            {
                await ViolateAsync("final commit without a running generation", "invalid_event", cancellationToken);
            }
            else
            {
                await FinishGenerationAsync(cancellationToken);
            }
        }

        private async Task CommitAsync(CancellationToken cancellationToken)
        {
            if (!_validated)
            {
                await ViolateAsync("commit before a validated session.update", "model_not_validated", cancellationToken);
            }
            else if (_generation is not null)
            {
                server.Violations.Enqueue("commit while a generation runs (vLLM ignores it)");
            }
            else
            {
                await StartGenerationAsync(cancellationToken);
            }
        }

        private async Task ViolateAsync(string what, string code, CancellationToken cancellationToken)
        {
            server.Violations.Enqueue(what);
            await SendAsync(new { type = "error", error = what, code }, cancellationToken);
        }

        private Task SendAsync(object message, CancellationToken cancellationToken) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, true, cancellationToken);
    }
}
