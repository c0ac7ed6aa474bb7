using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Scribe.LocalSpeech;

/// <summary>
/// One client of the local speech endpoint, speaking vLLM's realtime transcription protocol
/// (shared/docs/protocols.md §1) over one accepted WebSocket. It only wires the parts: frames from the socket go
/// through <see cref="ClientEventParser"/>, the <see cref="RealtimeSessionState"/> decides what each event does,
/// a worker owns this session's <see cref="SphinxDecoder"/> and reads a bounded audio channel (the socket reader
/// never decodes), <see cref="AppendOnlyTranscript"/> picks the deltas and the done text, and
/// <see cref="RealtimeEventWriter"/> sends. A binary frame closes the connection (1003), as vLLM, which reads
/// text only, ends it; every other refusal is an <c>error</c> event on a connection that stays open.
/// </summary>
internal sealed class LocalSpeechConnection : IDisposable
{
    /// <summary>Items between reader and worker; at about 100 ms a chunk, minutes of pre-roll.</summary>
    private const int AudioQueueCapacity = 4096;

    /// <summary>Largest event read; a 100 ms chunk is about 4.3 KB of base64.</summary>
    private const int MaxEventBytes = 8 * 1024 * 1024;

    private const int SamplesPerMillisecond = 16;

    /// <summary>How long a closing handshake may take before the socket is aborted.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly LocalSpeechOptions _options;
    private readonly SphinxModel _model;
    private readonly LocalSpeechSessions _sessions;
    private readonly LocalSpeechMetrics _metrics;
    private readonly ILogger _logger;
    private readonly RealtimeEventWriter _events;
    private readonly RealtimeSessionState _state = new();
    private readonly Channel<SessionAudio> _audio = Channel.CreateBounded<SessionAudio>(
        new BoundedChannelOptions(AudioQueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly SemaphoreSlim _generationRequests = new(0);
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Fires when the client has sent nothing for <see cref="LocalSpeechOptions.IdleTimeout"/>: the session is then closed.</summary>
    private readonly CancellationTokenSource _idle = new();

    /// <summary>The server's closing handshake, once begun (host stopping, or a binary frame); begun at most once.</summary>
    private Lazy<Task>? _closing;

    public LocalSpeechConnection(WebSocket socket, LocalSpeechOptions options, LocalSpeechSessions sessions, LocalSpeechMetrics metrics, ILogger<LocalSpeechConnection> logger)
    {
        _socket = socket;
        _options = options;
        _model = SphinxModel.FromDirectory(options.ModelDirectory);
        _sessions = sessions;
        _metrics = metrics;
        _logger = logger;
        _events = new RealtimeEventWriter(socket);
        Id = $"sess-{Guid.NewGuid():N}";
    }

    public string Id { get; }

    /// <summary>
    /// Serves the socket until the client closes it, or until <paramref name="cancellationToken"/> fires
    /// (host stopping): then the client is told 1001 and given a moment to answer before the socket is aborted.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["SessionId"] = Id });
        LocalSpeechLog.SessionOpened(_logger, Id);
        var worker = Task.Run(() => DecodeAsync(stop.Token), CancellationToken.None);
        try
        {
            // Receives are never cancelled (that would abort the socket unannounced): a stopping host closes
            // the socket instead, and the reader ends on the client's answer.
            using (cancellationToken.Register(() => Close(WebSocketCloseStatus.EndpointUnavailable, "local speech endpoint stopping")))
            using (_idle.Token.Register(() => Close(WebSocketCloseStatus.PolicyViolation, "idle: no event within the idle timeout")))
            {
                // A silent socket holds a session slot: close it, as our own client closes its idle sessions.
                _idle.CancelAfter(_options.IdleTimeout);
                await _events.SessionCreatedAsync(Id, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), stop.Token);
                await ReadAsync(stop.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client vanished or did not answer the close: the running generation is lost, as with vLLM.
            LocalSpeechLog.SessionEndedAbruptly(_logger, Id, e.Message);
        }
        finally
        {
            _readerDone.TrySetResult();
            await stop.CancelAsync();
            await worker;
            if (Volatile.Read(ref _closing) is { } closing)
            {
                await closing.Value;
            }
        }

        if (_socket.State == WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            try
            {
                await _events.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Gone already.
            }
        }

        LocalSpeechLog.SessionClosed(_logger, Id);
    }

    public void Dispose()
    {
        _idle.Dispose();
        _events.Dispose();
        _generationRequests.Dispose();
    }

    /// <summary>Begins the server's closing handshake (once): the reader goes on until the client answers, or the socket is aborted.</summary>
    private void Close(WebSocketCloseStatus status, string reason)
    {
        var closing = new Lazy<Task>(() => CloseAsync(status, reason));
        if (Interlocked.CompareExchange(ref _closing, closing, null) is null)
        {
            LocalSpeechLog.SessionClosing(_logger, Id, status, reason);
            _ = closing.Value;
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await _events.CloseAsync(status, reason, timeout.Token);
            await _readerDone.Task.WaitAsync(timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // No answer in time: abort below.
        }
        finally
        {
            if (_socket.State is not (WebSocketState.Closed or WebSocketState.Aborted))
            {
                _socket.Abort();
            }
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        var oversized = false;
        while (true)
        {
            var received = await _socket.ReceiveAsync(message.GetMemory(16 * 1024), CancellationToken.None);
            _idle.CancelAfter(_options.IdleTimeout);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            message.Advance(received.Count);
            if (message.WrittenCount > MaxEventBytes)
            {
                oversized = true;
                message.ResetWrittenCount();
            }

            if (!received.EndOfMessage)
            {
                continue;
            }

            if (Volatile.Read(ref _closing) is not null)
            {
                // Closing: only the client's close frame matters now.
            }
            else if (received.MessageType == WebSocketMessageType.Binary)
            {
                Close(WebSocketCloseStatus.InvalidMessageType, "binary frames are not part of the protocol: send JSON text events");
            }
            else if (oversized)
            {
                await ErrorAsync($"An event may not exceed {MaxEventBytes} bytes.", RealtimeErrorCode.InvalidEvent, cancellationToken);
            }
            else
            {
                await HandleAsync(ClientEventParser.Parse(message.WrittenMemory), cancellationToken);
            }

            message.ResetWrittenCount();
            oversized = false;
        }
    }

    private Task HandleAsync(ClientEvent clientEvent, CancellationToken cancellationToken) => clientEvent switch
    {
        ClientEvent.Refused refused => ErrorAsync(refused.Message, refused.Code, cancellationToken),
        ClientEvent.SessionUpdate update => UpdateSessionAsync(update.Model, cancellationToken),
        ClientEvent.Append append => AppendAsync(new SessionAudio.Chunk(append.Samples), cancellationToken),
        ClientEvent.Commit commit => CommitAsync(commit.Final, cancellationToken),
        _ => throw new UnreachableException($"Unhandled client event {clientEvent}"),
    };

    private Task UpdateSessionAsync(string model, CancellationToken cancellationToken)
    {
        if (!_options.Accepts(model))
        {
            return ErrorAsync($"The model '{model}' does not exist here (this endpoint serves '{_options.ModelName}').", RealtimeErrorCode.ModelNotFound, cancellationToken);
        }

        _state.ValidateModel();
        LocalSpeechLog.ModelValidated(_logger, Id, model);
        return Task.CompletedTask;
    }

    private async Task AppendAsync(SessionAudio.Chunk chunk, CancellationToken cancellationToken)
    {
        switch (_state.Append())
        {
            case AppendDecision.Drop:
                _metrics.AudioDropped(chunk.Samples.Length);
                break;
            case AppendDecision.Feed:
                await _audio.Writer.WriteAsync(chunk, cancellationToken);
                break;
            case AppendDecision.Queue when !_audio.Writer.TryWrite(chunk):
                await QueueFullAsync(cancellationToken);
                break;
        }
    }

    private async Task CommitAsync(bool final, CancellationToken cancellationToken)
    {
        switch (_state.Commit(final))
        {
            case CommitDecision.NotValidated:
                await ErrorAsync("Model not validated: send session.update with a model before committing audio.", RealtimeErrorCode.ModelNotValidated, cancellationToken);
                break;
            case CommitDecision.Start:
                _sessions.GenerationStarted();
                _generationRequests.Release();
                break;
            case CommitDecision.Ignore:
                LocalSpeechLog.CommitIgnored(_logger, Id);
                break;
            case CommitDecision.EndAudio:
                await _audio.Writer.WriteAsync(SessionAudio.End.Instance, cancellationToken);
                break;
            case CommitDecision.MarkQueued when !_audio.Writer.TryWrite(SessionAudio.End.Instance):
                await QueueFullAsync(cancellationToken);
                break;
        }
    }

    private Task QueueFullAsync(CancellationToken cancellationToken) =>
        ErrorAsync($"The audio queue is full ({AudioQueueCapacity} chunks): commit to start a generation.", RealtimeErrorCode.ProcessingError, cancellationToken);

    private async Task DecodeAsync(CancellationToken cancellationToken)
    {
        SphinxDecoder? decoder = null;
        string? unavailable = null;
        try
        {
            decoder = SphinxDecoder.Create(_model);
        }
        catch (SphinxUnavailableException e)
        {
            unavailable = e.Message;
            LocalSpeechLog.NoDecoder(_logger, e, Id);
        }

        try
        {
            while (true)
            {
                await _generationRequests.WaitAsync(cancellationToken);
                if (decoder is null)
                {
                    DropQueuedAudio();
                    EndGeneration();
                    await ErrorAsync(unavailable!, RealtimeErrorCode.ProcessingError, cancellationToken);
                    continue;
                }

                await GenerateAsync(decoder, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The session is over.
        }
        finally
        {
            EndGeneration();
            decoder?.Dispose();
        }
    }

    private async Task GenerateAsync(SphinxDecoder decoder, CancellationToken cancellationToken)
    {
        var generation = new GenerationDecoding(decoder, (long)_options.DeltaStabilityMilliseconds * SamplesPerMillisecond, _options.DeltaTrailingWords);
        IReadOnlyList<string> finalWords;
        try
        {
            finalWords = await generation.RunAsync(_audio.Reader, _events.DeltaAsync, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException and not WebSocketException)
        {
            LocalSpeechLog.DecodingFailed(_logger, e, Id);
            if (decoder.InUtterance)
            {
                try
                {
                    decoder.EndUtterance();
                }
                catch (InvalidOperationException)
                {
                    // Already failing; the next StartUtterance resets the decoder.
                }
            }

            DropQueuedAudio();
            EndGeneration();
            await ErrorAsync($"Decoding failed: {e.Message}", RealtimeErrorCode.ProcessingError, cancellationToken);
            return;
        }

        // Drop before ending: audio the reader still takes in meanwhile is refused at the door (final committed).
        var dropped = DropQueuedAudio();
        EndGeneration();
        var early = generation.Transcript.Sent.Count;
        var (lastDelta, text) = generation.Transcript.Finish(finalWords);
        var audioSeconds = generation.Samples / 16_000.0;
        _metrics.GenerationDone(audioSeconds, generation.DecodeTime.TotalSeconds);
        LocalSpeechLog.GenerationDone(_logger, Id, audioSeconds, generation.DecodeTime.TotalSeconds, finalWords.Count, early, dropped);
        if (lastDelta is not null)
        {
            await _events.DeltaAsync(lastDelta, cancellationToken);
        }

        await _events.DoneAsync(text, TranscriptionUsage.For(generation.Samples), cancellationToken);
    }

    private long DropQueuedAudio()
    {
        long dropped = 0;
        while (_audio.Reader.TryRead(out var item))
        {
            dropped += item is SessionAudio.Chunk chunk ? chunk.Samples.Length : 0;
        }

        _metrics.AudioDropped(dropped);
        return dropped;
    }

    private void EndGeneration()
    {
        if (_state.EndGeneration())
        {
            _sessions.GenerationEnded();
        }
    }

    private Task ErrorAsync(string message, string code, CancellationToken cancellationToken)
    {
        _metrics.Error(code);
        LocalSpeechLog.ErrorSent(_logger, Id, code, message);
        return _events.ErrorAsync(message, code, cancellationToken);
    }
}
