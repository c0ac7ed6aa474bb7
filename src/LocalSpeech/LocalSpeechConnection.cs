using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Scribe.LocalSpeech;

/// <summary>
/// One client of the local speech endpoint, speaking vLLM's realtime transcription protocol
/// (shared/docs/protocols.md §1) over one accepted WebSocket. It handles:
/// <list type="bullet">
/// <item><c>session.created</c>, sent at once;</item>
/// <item><c>session.update</c>: needs a top-level <c>model</c> (else <c>invalid_event</c>) that this endpoint
/// accepts (else <c>model_not_found</c>);</item>
/// <item><c>input_audio_buffer.append</c>: base64 PCM16 16 kHz mono, queued (empty, bad base64 or an odd byte
/// count is <c>invalid_audio</c>); dropped between a final commit and its <c>done</c>;</item>
/// <item><c>input_audio_buffer.commit</c>: starts a generation over queued and future audio, ignored while one
/// runs, refused before a validated <c>session.update</c> (<c>model_not_validated</c>); with <c>final: true</c>
/// it ends the generation's audio, then <c>transcription.done</c> is sent and audio still queued is dropped;</item>
/// <item><c>transcription.delta</c> (stable words only, append-only) and <c>transcription.done</c> (the final
/// hypothesis, with usage);</item>
/// <item>non-JSON text and binary frames (<c>invalid_json</c>), unknown types (<c>unknown_event</c>) and
/// decoder failures (<c>processing_error</c>), all as error events on a connection that stays open.</item>
/// </list>
/// The socket reader never decodes: a worker owns this session's decoder and reads a bounded channel.
/// </summary>
internal sealed class LocalSpeechConnection : IDisposable
{
    /// <summary>Items between reader and worker; at about 100 ms a chunk, minutes of pre-roll.</summary>
    private const int AudioQueueCapacity = 4096;

    /// <summary>Largest event read; a 100 ms chunk is about 4.3 KB of base64.</summary>
    private const int MaxEventBytes = 8 * 1024 * 1024;

    /// <summary>Partial hypotheses are read every 100 ms of audio: often enough for deltas, cheap enough.</summary>
    private const int SamplesBetweenPartials = 1600;

    private const int SamplesPerMillisecond = 16;

    /// <summary>How long a closing handshake may take before the socket is aborted.</summary>
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly LocalSpeechOptions _options;
    private readonly SphinxModel _model;
    private readonly LocalSpeechSessions _sessions;
    private readonly LocalSpeechMetrics _metrics;
    private readonly ILogger _logger;
    private readonly RealtimeEventWriter _events;
    private readonly Channel<SessionAudio> _audio = Channel.CreateBounded<SessionAudio>(
        new BoundedChannelOptions(AudioQueueCapacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly SemaphoreSlim _generationRequests = new(0);
    private readonly Lock _state = new();
    private readonly TaskCompletionSource _readerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _goingAway;

    // Guarded by _state: a generation runs from its commit until just before its done is sent, and its
    // audio is closed from its final commit until then.
    private bool _running;
    private bool _audioClosed;

    // Touched by the reader only.
    private bool _modelValidated;

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
        _logger.LogInformation("Local speech session {SessionId} opened", Id);
        var worker = Task.Run(() => DecodeAsync(stop.Token), CancellationToken.None);
        try
        {
            // Receives are never cancelled (that would abort the socket unannounced): a stopping host closes
            // the socket instead, and the reader ends on the client's answer.
            using (cancellationToken.Register(() => _goingAway = GoAwayAsync()))
            {
                await _events.SessionCreatedAsync(Id, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), stop.Token);
                await ReadAsync(stop.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client vanished or did not answer the close: the running generation is lost, as with vLLM.
            _logger.LogInformation("Local speech session {SessionId} ended abruptly: {Reason}", Id, e.Message);
        }
        finally
        {
            _readerDone.TrySetResult();
            await stop.CancelAsync();
            await worker;
            if (_goingAway is { } goingAway)
            {
                await goingAway;
            }
        }

        if (_socket.State == WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(s_closeTimeout);
            try
            {
                await _events.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Gone already.
            }
        }

        _logger.LogInformation("Local speech session {SessionId} closed", Id);
    }

    public void Dispose()
    {
        _events.Dispose();
        _generationRequests.Dispose();
    }

    private async Task GoAwayAsync()
    {
        using var timeout = new CancellationTokenSource(s_closeTimeout);
        try
        {
            await _events.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "local speech endpoint stopping", timeout.Token);
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

            if (oversized)
            {
                await ErrorAsync($"An event may not exceed {MaxEventBytes} bytes.", RealtimeErrorCode.InvalidEvent, cancellationToken);
            }
            else if (received.MessageType == WebSocketMessageType.Binary)
            {
                await ErrorAsync("Binary frames are not part of the protocol: send JSON text events (audio goes base64 in input_audio_buffer.append).", RealtimeErrorCode.InvalidJson, cancellationToken);
            }
            else
            {
                await HandleAsync(message.WrittenMemory, cancellationToken);
            }

            message.ResetWrittenCount();
            oversized = false;
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            await ErrorAsync("Invalid JSON.", RealtimeErrorCode.InvalidJson, cancellationToken);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                await ErrorAsync("An event must be a JSON object.", RealtimeErrorCode.InvalidJson, cancellationToken);
                return;
            }

            var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String
                ? typeElement.GetString()
                : null;
            switch (type)
            {
                case "session.update":
                    await UpdateSessionAsync(root, cancellationToken);
                    break;
                case "input_audio_buffer.append":
                    await AppendAsync(root, cancellationToken);
                    break;
                case "input_audio_buffer.commit":
                    await CommitAsync(root, cancellationToken);
                    break;
                default:
                    await ErrorAsync($"Unknown event type: {type ?? "(none)"}.", RealtimeErrorCode.UnknownEvent, cancellationToken);
                    break;
            }
        }
    }

    private async Task UpdateSessionAsync(JsonElement update, CancellationToken cancellationToken)
    {
        if (!update.TryGetProperty("model", out var modelElement) || modelElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(modelElement.GetString()))
        {
            await ErrorAsync("session.update needs a model.", RealtimeErrorCode.InvalidEvent, cancellationToken);
            return;
        }

        var model = modelElement.GetString()!;
        if (!_options.Accepts(model))
        {
            await ErrorAsync($"The model '{model}' does not exist here (this endpoint serves '{_options.ModelName}').", RealtimeErrorCode.ModelNotFound, cancellationToken);
            return;
        }

        _modelValidated = true;
        _logger.LogDebug("Session {SessionId} validated model {Model}", Id, model);
    }

    private async Task AppendAsync(JsonElement append, CancellationToken cancellationToken)
    {
        if (!append.TryGetProperty("audio", out var audioElement) || audioElement.ValueKind != JsonValueKind.String)
        {
            await ErrorAsync("input_audio_buffer.append needs audio (base64 PCM16, 16 kHz, mono).", RealtimeErrorCode.InvalidAudio, cancellationToken);
            return;
        }

        if (!audioElement.TryGetBytesFromBase64(out var bytes))
        {
            await ErrorAsync("The audio is not valid base64.", RealtimeErrorCode.InvalidAudio, cancellationToken);
            return;
        }

        if (bytes.Length == 0)
        {
            await ErrorAsync("The audio chunk is empty.", RealtimeErrorCode.InvalidAudio, cancellationToken);
            return;
        }

        if (bytes.Length % 2 != 0)
        {
            await ErrorAsync($"PCM16 audio needs an even number of bytes (got {bytes.Length}).", RealtimeErrorCode.InvalidAudio, cancellationToken);
            return;
        }

        // PCM16 little-endian read in place: every host .NET runs this service on is little-endian.
        var chunk = new SessionAudio.Chunk(MemoryMarshal.Cast<byte, short>(bytes).ToArray());
        bool running;
        lock (_state)
        {
            if (_audioClosed)
            {
                _metrics.AudioDropped(chunk.Samples.Length);
                return;
            }

            running = _running;
        }

        // While a generation runs the worker drains the queue, so waiting is back-pressure; before the commit
        // nothing drains it, and waiting would keep the reader from ever seeing that commit.
        if (running)
        {
            await _audio.Writer.WriteAsync(chunk, cancellationToken);
        }
        else if (!_audio.Writer.TryWrite(chunk))
        {
            await ErrorAsync($"The audio queue is full ({AudioQueueCapacity} chunks): commit to start a generation.", RealtimeErrorCode.ProcessingError, cancellationToken);
        }
    }

    private async Task CommitAsync(JsonElement commit, CancellationToken cancellationToken)
    {
        if (!_modelValidated)
        {
            await ErrorAsync("Model not validated: send session.update with a model before committing audio.", RealtimeErrorCode.ModelNotValidated, cancellationToken);
            return;
        }

        var final = commit.TryGetProperty("final", out var finalElement) && finalElement.ValueKind == JsonValueKind.True;
        if (final)
        {
            bool running;
            lock (_state)
            {
                running = _running;
                _audioClosed |= running;
            }

            // Without a running generation the end mark waits in the queue, as in vLLM: the next generation
            // consumes the audio queued before it and ends there.
            if (running)
            {
                await _audio.Writer.WriteAsync(SessionAudio.End.Instance, cancellationToken);
            }
            else if (!_audio.Writer.TryWrite(SessionAudio.End.Instance))
            {
                await ErrorAsync($"The audio queue is full ({AudioQueueCapacity} chunks): commit to start a generation.", RealtimeErrorCode.ProcessingError, cancellationToken);
            }

            return;
        }

        bool start;
        lock (_state)
        {
            start = !_running;
            if (start)
            {
                _running = true;
                _audioClosed = false;
            }
        }

        if (start)
        {
            _sessions.GenerationStarted();
            _generationRequests.Release();
        }
        else
        {
            _logger.LogDebug("Session {SessionId} ignored a commit while a generation runs", Id);
        }
    }

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
            _logger.LogError(e, "Session {SessionId} has no decoder", Id);
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
        var stable = new StableWordPrefix((long)_options.DeltaStabilityMilliseconds * SamplesPerMillisecond);
        var decoding = TimeSpan.Zero;
        string text;
        long samples;
        try
        {
            decoder.StartUtterance();
            long sinceLastPartial = 0;
            var ended = false;
            while (!ended && await _audio.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_audio.Reader.TryRead(out var item))
                {
                    if (item is not SessionAudio.Chunk chunk)
                    {
                        ended = true;
                        break;
                    }

                    var began = Stopwatch.GetTimestamp();
                    decoder.Process(chunk.Samples);
                    sinceLastPartial += chunk.Samples.Length;
                    string? delta = null;
                    if (sinceLastPartial >= SamplesBetweenPartials)
                    {
                        sinceLastPartial = 0;
                        delta = stable.Observe(HypothesisWords.Split(decoder.Hypothesis()), decoder.UtteranceSamples);
                    }

                    decoding += Stopwatch.GetElapsedTime(began);
                    if (delta is not null)
                    {
                        await _events.DeltaAsync(delta, cancellationToken);
                    }
                }
            }

            var ending = Stopwatch.GetTimestamp();
            decoder.EndUtterance();
            text = HypothesisWords.Join(decoder.Hypothesis());
            samples = decoder.UtteranceSamples;
            decoding += Stopwatch.GetElapsedTime(ending);
        }
        catch (Exception e) when (e is not OperationCanceledException and not WebSocketException)
        {
            _logger.LogError(e, "Session {SessionId} failed to decode", Id);
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

        // Drop before ending: audio the reader still takes in meanwhile is refused at the door (audio closed).
        var dropped = DropQueuedAudio();
        EndGeneration();
        var audioSeconds = samples / 16_000.0;
        _metrics.GenerationDone(audioSeconds, decoding.TotalSeconds);
        _logger.LogInformation(
            "Session {SessionId} transcribed {AudioSeconds:F2} s in {DecodeSeconds:F2} s ({Words} words, {Deltas} sent early, {DroppedSamples} samples dropped)",
            Id, audioSeconds, decoding.TotalSeconds, HypothesisWords.Split(text).Count, stable.Sent.Count, dropped);
        await _events.DoneAsync(text, TranscriptionUsage.For(samples, text), cancellationToken);
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
        bool ended;
        lock (_state)
        {
            ended = _running;
            _running = false;
            _audioClosed = false;
        }

        if (ended)
        {
            _sessions.GenerationEnded();
        }
    }

    private Task ErrorAsync(string message, string code, CancellationToken cancellationToken)
    {
        _metrics.Error(code);
        _logger.LogDebug("Session {SessionId} error {Code}: {Message}", Id, code, message);
        return _events.ErrorAsync(message, code, cancellationToken);
    }
}
