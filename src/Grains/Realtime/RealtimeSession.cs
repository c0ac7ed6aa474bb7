using System.Buffers;
using System.Net.WebSockets;

namespace Scribe.Realtime;

/// <summary>
/// One WebSocket to a vLLM realtime endpoint (protocols.md §1): opened with <c>session.created</c> then
/// <c>session.update</c>; afterwards the owner drives generations (commit, appends, commit final) and reads
/// deltas and done events. Sends are serialised; reads belong to one reader.
/// </summary>
public sealed class RealtimeSession : IRealtimeSession
{
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private byte[] _sendBuffer = [];
    private readonly ArrayBufferWriter<byte> _receiveBuffer = new(4096);

    private RealtimeSession(ClientWebSocket socket, InferenceEndpoint endpoint, string id)
    {
        _socket = socket;
        Endpoint = endpoint;
        Id = id;
    }

    public InferenceEndpoint Endpoint { get; }

    /// <summary>The server's session id (<c>sess-…</c>).</summary>
    public string Id { get; }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Connects, waits for <c>session.created</c> and sends <c>session.update</c>.</summary>
    /// <exception cref="RealtimeSessionException">The endpoint could not be reached or broke the protocol.</exception>
    public static async Task<RealtimeSession> OpenAsync(
        InferenceEndpoint endpoint, string? language, TimeSpan handshakeTimeout, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        if (!string.IsNullOrEmpty(endpoint.ApiKey))
        {
            socket.Options.SetRequestHeader("Authorization", $"Bearer {endpoint.ApiKey}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(handshakeTimeout);
        try
        {
            await socket.ConnectAsync(endpoint.Url, timeout.Token).ConfigureAwait(false);
            var pending = new RealtimeSession(socket, endpoint, "");
            var first = await pending.ReceiveAsync(timeout.Token).ConfigureAwait(false);
            if (first is not SessionCreated created)
            {
                var detail = first is RealtimeError error ? $"{error.Code}: {error.Message}" : first?.ToString() ?? "closed";
                throw new RealtimeSessionException(endpoint, $"expected session.created, got {detail}");
            }

            var session = new RealtimeSession(socket, endpoint, created.Id);
            await session.SendAsync(RealtimeClientMessages.SessionUpdate(endpoint.Model, language), timeout.Token).ConfigureAwait(false);
            return session;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RealtimeSessionException(endpoint, e is OperationCanceledException ? "handshake timed out" : e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts a generation.</summary>
    public ValueTask CommitAsync(CancellationToken cancellationToken) => SendAsync(RealtimeClientMessages.Commit, cancellationToken);

    /// <summary>Ends the running generation's audio; the server answers with <c>transcription.done</c>.</summary>
    public ValueTask CommitFinalAsync(CancellationToken cancellationToken) => SendAsync(RealtimeClientMessages.CommitFinal, cancellationToken);

    /// <summary>Sends 16 kHz mono PCM16 samples in one append event.</summary>
    public async ValueTask AppendAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken)
    {
        if (samples.IsEmpty)
        {
            return; // the server refuses empty audio
        }

        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var size = RealtimeClientMessages.AppendSize(samples.Length);
            if (_sendBuffer.Length < size)
            {
                _sendBuffer = new byte[size];
            }

            var length = RealtimeClientMessages.WriteAppend(samples.Span, _sendBuffer);
            await _socket.SendAsync(_sendBuffer.AsMemory(0, length), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads the next server event; null when the server closed the socket.</summary>
    public async ValueTask<RealtimeServerEvent?> ReceiveAsync(CancellationToken cancellationToken)
    {
        _receiveBuffer.ResetWrittenCount();
        while (true)
        {
            var memory = _receiveBuffer.GetMemory(4096);
            var result = await _socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            _receiveBuffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return RealtimeServerEvent.Parse(_receiveBuffer.WrittenSpan);
            }
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                // The peer is gone already; nothing left to tell it.
            }
        }

        _socket.Dispose();
        _sendLock.Dispose();
    }
}
