using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace Scribe.LocalSpeech;

/// <summary>
/// Writes server events as JSON text frames. The reader (errors) and the decoding worker (deltas, done)
/// both send, and a WebSocket takes one send at a time, hence the gate.
/// </summary>
internal sealed class RealtimeEventWriter(WebSocket socket) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task SessionCreatedAsync(string id, long created, CancellationToken cancellationToken) =>
        SendAsync(json =>
        {
            json.WriteString("type", "session.created");
            json.WriteString("id", id);
            json.WriteNumber("created", created);
        }, cancellationToken);

    public Task DeltaAsync(string delta, CancellationToken cancellationToken) =>
        SendAsync(json =>
        {
            json.WriteString("type", "transcription.delta");
            json.WriteString("delta", delta);
        }, cancellationToken);

    public Task DoneAsync(string text, TranscriptionUsage usage, CancellationToken cancellationToken) =>
        SendAsync(json =>
        {
            json.WriteString("type", "transcription.done");
            json.WriteString("text", text);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", usage.PromptTokens);
            json.WriteNumber("completion_tokens", usage.CompletionTokens);
            json.WriteNumber("total_tokens", usage.TotalTokens);
            json.WriteEndObject();
        }, cancellationToken);

    public Task ErrorAsync(string message, string code, CancellationToken cancellationToken) =>
        SendAsync(json =>
        {
            json.WriteString("type", "error");
            json.WriteString("error", message);
            json.WriteString("code", code);
        }, cancellationToken);

    /// <summary>Sends the close frame, in turn with events.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string? description, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(status, description, CancellationToken.None);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task SendAsync(Action<Utf8JsonWriter> writeFields, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            writeFields(json);
            json.WriteEndObject();
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A closing socket cannot take more events; the reader notices the close on its own. The send
            // itself is not cancelled: cancelling a WebSocket send aborts the socket without a close frame.
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
