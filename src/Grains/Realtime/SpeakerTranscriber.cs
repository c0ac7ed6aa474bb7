using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Audio;
using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// Transcribes one speaker's 16 kHz stream through a realtime session, one generation per utterance. It wires
/// three parts and owns the loop that drives them:
/// <list type="bullet">
/// <item><see cref="AudioChunker"/> (ingest side): ~100 ms pooled chunks, classified speech or not by the stream's
/// voice activity detector, on an audio clock that runs on through mute gaps.</item>
/// <item><see cref="UtteranceSegmenter"/> (pure): a generation opens at speech (after a pre-roll) and ends after a
/// pause or at the maximum length; audio arriving between <c>commit final</c> and <c>transcription.done</c> is held
/// for the next generation, since the server would drop it.</item>
/// <item><see cref="SessionKeeper"/>: the session on an endpoint; a lost one is re-opened (another endpoint if
/// possible) and the unfinished generation replayed with its interim text reset, so the same segment completes
/// without loss or duplicates. A silent speaker's session is released after
/// <see cref="TranscriberOptions.IdleReleaseMs"/>.</item>
/// </list>
/// Deltas make the generation's interim segment; <c>done.text</c> makes it final. Times come from the audio clock.
/// The ingest side only writes into a bounded channel; the loop owns everything else.
/// </summary>
public sealed partial class SpeakerTranscriber : IAsyncDisposable
{
    public const int SamplesPerMs = EgressAudioConverter.OutputRate / 1000;
    private const int MaxStallRecoveries = 3;

    private readonly SpeakerContext _speaker;
    private readonly TranscriberOptions _options;
    private readonly ISegmentSink _sink;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<TranscriberInput> _input;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SpeakerUsageMeter _usage;
    private readonly AudioChunker _chunker;
    private readonly UtteranceSegmenter _segmenter;
    private readonly SessionKeeper _session;
    private readonly Task _run;

    // Ingest side.
    private bool _backpressureReported;

    // Loop side.
    private long? _mutedSince;
    private Task? _idleTimer;
    private Task<bool>? _inputWait;
    private Task<bool>? _eventWait;
    private volatile bool _muted;
    private volatile bool _stopped;
    private volatile string? _failure;

    /// <param name="detector">The stream's own voice activity detector (owned and disposed here); energy on
    /// <see cref="TranscriberOptions.SpeechThresholdDbfs"/> when none is given.</param>
    /// <param name="chunkBuffers">Where chunk buffers are rented and returned; the shared pool when none is given.</param>
    /// <param name="connector">How sessions are opened; vLLM's realtime WebSocket when none is given.</param>
    public SpeakerTranscriber(
        SpeakerContext speaker, TranscriberOptions options, IEndpointPicker endpoints, ISegmentSink sink, ILogger logger, TimeProvider? time = null,
        IVoiceActivityDetector? detector = null, ArrayPool<short>? chunkBuffers = null, IRealtimeConnector? connector = null)
    {
        _speaker = speaker;
        _options = options;
        _sink = sink;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _usage = new SpeakerUsageMeter(_time);
        var buffers = new ChunkBufferPool(chunkBuffers);
        _chunker = new AudioChunker(
            new ChunkSpeechClassifier(
                detector ?? new EnergyVoiceActivityDetector(options.SpeechThresholdDbfs),
                new SpeechHysteresis((float)options.VadSpeechOnProbability, (float)options.VadSpeechOffProbability)),
            buffers, _usage, _time);
        _segmenter = new UtteranceSegmenter(options, buffers, _usage);
        _session = new SessionKeeper(
            speaker, options, endpoints, connector ?? WebSocketRealtimeConnector.Instance, _usage, _time, logger, ReplayAsync);
        var capacity = Math.Max(10, options.MaxBufferedMs / 100);
        // A waiting loop resumes inside the writer's call: the chunk's append leaves in the ingest frame's own
        // thread-pool turn instead of queueing behind every other stream's frames (measured in ingest-load: that
        // second hop was the append-latency tail once a core was busy).
        _input = Channel.CreateBounded<TranscriberInput>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true,
        });
        _run = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>The one place the speaker's state is told, from the parts that hold it.</summary>
    public SpeakerState State =>
        _stopped ? (_failure is null ? SpeakerState.Stopped : SpeakerState.Error)
        : _session.Failing ? SpeakerState.Error
        : _session.WaitingForCapacity ? SpeakerState.WaitingForCapacity
        : _muted ? SpeakerState.Muted
        : _session.IsOpen ? SpeakerState.Streaming
        : SpeakerState.Idle;

    /// <summary>No generation is taking audio: the speaker paused (or never spoke), so stopping now cuts no utterance.</summary>
    public bool AtGenerationBoundary => _segmenter.Phase != SegmenterPhase.Taking;

    /// <summary>
    /// From now on no new generation opens: the running one ends at the speaker's next pause, and then
    /// <see cref="AtGenerationBoundary"/> stays true, so a stream can be stopped without cutting an utterance.
    /// </summary>
    public void EndAtNextPause() => _segmenter.EndAtNextPause();

    public string? Error => _failure ?? _session.Error;

    public string? EndpointName => _session.EndpointName;

    /// <summary>Speech, generation and session time so far; safe to read from any thread.</summary>
    public SpeakerUsage Usage => _usage.Snapshot();

    /// <summary>What tells speech from silence on this stream (<c>silero</c> or <c>energy</c>).</summary>
    public string VoiceActivityDetector => _chunker.DetectorKind;

    /// <summary>Samples received so far on the stream's 16 kHz clock (mute gaps included).</summary>
    public long ClockSamples => _chunker.ClockSamples;

    /// <summary>Adds 16 kHz mono samples; waits when the buffer is full (the endpoint is slower than real time).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken)
    {
        while (!samples.IsEmpty)
        {
            if (_chunker.Fill(ref samples) is { } chunk)
            {
                await EnqueueAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The track was muted or unmuted: a mute ends the running generation; the clock runs on through the gap.</summary>
    public async ValueTask SetMutedAsync(bool muted, CancellationToken cancellationToken)
    {
        await FlushChunkAsync(cancellationToken).ConfigureAwait(false);
        _chunker.SetMuted(muted);
        await EnqueueAsync(new MuteChanged(muted), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the stream: the last generation is finished and its final text published before this returns.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_input.Reader.Completion.IsCompleted || _run.IsCompleted)
        {
            await _run.ConfigureAwait(false);
            return;
        }

        await FlushChunkAsync(cancellationToken).ConfigureAwait(false);
        _input.Writer.TryComplete();
        await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private ValueTask FlushChunkAsync(CancellationToken cancellationToken) =>
        _chunker.Flush() is { } chunk ? EnqueueAsync(chunk, cancellationToken) : ValueTask.CompletedTask;

    private async ValueTask EnqueueAsync(TranscriberInput item, CancellationToken cancellationToken)
    {
        if (_input.Writer.TryWrite(item))
        {
            return;
        }

        if (!_backpressureReported)
        {
            _backpressureReported = true;
            LogBackpressure(_speaker.Room, _speaker.Identity, _options.MaxBufferedMs);
        }

        ScribeMetrics.Backpressure.Add(1);
        await _input.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            var inputOpen = true;
            while (true)
            {
                // The waits below end as cancelled tasks without throwing; stop here rather than spin.
                cancellationToken.ThrowIfCancellationRequested();
                while (_session.Events.TryRead(out var sessionEvent))
                {
                    await OnSessionEventAsync(sessionEvent, cancellationToken).ConfigureAwait(false);
                }

                if (inputOpen && _input.Reader.TryRead(out var item))
                {
                    await OnInputAsync(item, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (inputOpen && _input.Reader.Completion.IsCompleted)
                {
                    inputOpen = false;
                }

                if (!inputOpen)
                {
                    // The stream has ended: finish what is open, then whatever audio is still held.
                    if (_segmenter.Phase == SegmenterPhase.BetweenGenerations)
                    {
                        if (_segmenter.HeldCount == 0)
                        {
                            break;
                        }

                        await DrainHeldAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (_segmenter.Finish())
                    {
                        await SendFinalAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                }

                // A wait that has not fired yet is kept for the next turn: asking again would leave one more waiter
                // and token registration behind on the channel per chunk, all woken at once by the next event.
                if (inputOpen && _inputWait is not { IsCompleted: false })
                {
                    _inputWait = _input.Reader.WaitToReadAsync(cancellationToken).AsTask();
                }

                if (_eventWait is not { IsCompleted: false })
                {
                    _eventWait = _session.Events.WaitToReadAsync(cancellationToken).AsTask();
                }

                var inputReady = inputOpen ? _inputWait! : Task.Delay(Timeout.Infinite, cancellationToken);
                var eventReady = _eventWait;
                if (_segmenter.Phase == SegmenterPhase.Finishing)
                {
                    var waiting = _segmenter.Current!;
                    var overdue = TimeSpan.FromMilliseconds(_options.FinalTimeoutMs) - _time.GetElapsedTime(waiting.FinalSentAt);
                    if (overdue <= TimeSpan.Zero)
                    {
                        await OnFinalOverdueAsync(waiting, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    await Task.WhenAny(inputReady, eventReady, Task.Delay(overdue, _time, cancellationToken)).ConfigureAwait(false);
                    continue;
                }

                if (MutedIdleRemaining() is { } remaining)
                {
                    if (remaining <= TimeSpan.Zero)
                    {
                        await ReleaseIdleSessionAsync().ConfigureAwait(false);
                        continue;
                    }

                    // A muted track may send nothing at all: a timer, not the audio clock, ends its idle session.
                    _idleTimer ??= Task.Delay(remaining, _time, cancellationToken);
                }

                if (_idleTimer is { } timer)
                {
                    await Task.WhenAny(inputReady, eventReady, timer).ConfigureAwait(false);
                }
                else
                {
                    await Task.WhenAny(inputReady, eventReady).ConfigureAwait(false);
                }

                if (_idleTimer is { IsCompleted: true })
                {
                    _idleTimer = null;
                }
            }

            // The stream ended and every generation is done: only the pre-roll still holds buffers.
            _segmenter.ReleasePreRoll();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _failure = e.Message;
            LogFailed(e, _speaker.Room, _speaker.Identity);
        }
        finally
        {
            _stopped = true;
            await _session.CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task OnInputAsync(TranscriberInput item, CancellationToken cancellationToken)
    {
        switch (item)
        {
            case AudioChunk chunk:
                await OnChunkAsync(chunk, live: true, cancellationToken).ConfigureAwait(false);
                break;
            case MuteChanged { Muted: true }:
                _muted = true;
                _mutedSince ??= _time.GetTimestamp();
                if (_segmenter.Mute())
                {
                    await SendFinalAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            case MuteChanged { Muted: false }:
                _mutedSince = null;
                _muted = false;
                break;
        }
    }

    private async Task OnChunkAsync(AudioChunk chunk, bool live, CancellationToken cancellationToken)
    {
        if (_segmenter.Phase == SegmenterPhase.BetweenGenerations)
        {
            await _session.LeaveIfAskedAsync().ConfigureAwait(false);
        }

        var outcome = _segmenter.Accept(chunk);
        switch (outcome)
        {
            case ChunkOutcome.KeptBeforeSpeech:
                if (_session.IsOpen && _segmenter.HeldCount == 0 && _segmenter.SilentSamples >= (long)_options.IdleReleaseMs * SamplesPerMs)
                {
                    await ReleaseIdleSessionAsync().ConfigureAwait(false);
                }

                return;
            case ChunkOutcome.Opened:
                await _session.StartAsync(cancellationToken).ConfigureAwait(false);
                return;
            case ChunkOutcome.Held:
                return;
        }

        await _session.AppendAsync(chunk.Samples, cancellationToken).ConfigureAwait(false);
        if (live)
        {
            // Live audio only: pre-roll and held audio wait on purpose.
            var sent = _time.GetTimestamp();
            ScribeMetrics.AppendLatency.Record(_time.GetElapsedTime(chunk.ReceivedAt, sent).TotalMilliseconds);
            ScribeMetrics.AppendDelay.Record(_time.GetElapsedTime(chunk.DueAt, sent).TotalMilliseconds);
        }

        if (outcome == ChunkOutcome.AppendedAndEnded && _segmenter.Finish())
        {
            await SendFinalAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task OnSessionEventAsync(SessionEvent sessionEvent, CancellationToken cancellationToken)
    {
        if (!_session.IsCurrent(sessionEvent))
        {
            return; // from a session we already replaced
        }

        switch (sessionEvent.Event)
        {
            case null:
                var inFlight = _segmenter.Phase != SegmenterPhase.BetweenGenerations || _segmenter.HeldCount > 0;
                await _session.OnEndedAsync(sessionEvent, inFlight, cancellationToken).ConfigureAwait(false);
                break;
            case TranscriptionDelta delta when _segmenter.Current is { } generation:
                generation.Text.Append(delta.Delta);
                Publish(generation, isFinal: false);
                break;
            case TranscriptionDone done when _segmenter.Phase == SegmenterPhase.Finishing:
                var finished = _segmenter.Current!;
                finished.Text.Clear().Append(done.Text);
                Publish(finished, isFinal: true);
                ScribeMetrics.Generations.Add(1);
                ScribeMetrics.GenerationSeconds.Add(finished.SampleCount / (double)EgressAudioConverter.OutputRate);
                ScribeMetrics.GenerationLatency.Record(_time.GetElapsedTime(finished.FinalSentAt).TotalMilliseconds);
                _segmenter.Complete();
                await DrainHeldAsync(cancellationToken).ConfigureAwait(false);
                break;
            case TranscriptionDone:
                LogUnexpected(_speaker.Room, _speaker.Identity, "transcription.done without a finished generation");
                break;
            case RealtimeError error:
                ScribeMetrics.RealtimeErrors.Add(1, new KeyValuePair<string, object?>("code", error.Code ?? "unknown"));
                LogEndpointError(_speaker.Room, _speaker.Identity, sessionEvent.Session.Endpoint.Name, error.Code, error.Message);
                if (error.Code is "model_not_found" or "model_not_validated" or "invalid_event")
                {
                    // A configuration fault: the endpoint will refuse every generation the same way. The first
                    // error names the cause; the refusals that follow from it would only hide it.
                    _session.ReportFault($"{error.Code}: {error.Message}");
                }

                break;
            case UnknownEvent unknown:
                LogUnexpected(_speaker.Room, _speaker.Identity, unknown.Type);
                break;
        }
    }

    /// <summary>
    /// No <c>transcription.done</c> in time: the endpoint has stalled. The generation is replayed elsewhere a few
    /// times; after that its interim text is kept as final, so the held audio behind it is not stuck forever.
    /// </summary>
    private async Task OnFinalOverdueAsync(Generation generation, CancellationToken cancellationToken)
    {
        if (generation.StallRecoveries++ < MaxStallRecoveries)
        {
            LogStalled(_speaker.Room, _speaker.Identity, _session.EndpointName ?? "?", _options.FinalTimeoutMs);
            await _session.MoveAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        LogFinalTimeout(_speaker.Room, _speaker.Identity, _options.FinalTimeoutMs);
        if (generation.Text.Length > 0)
        {
            Publish(generation, isFinal: true);
        }

        _segmenter.Complete();
        await DrainHeldAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DrainHeldAsync(CancellationToken cancellationToken)
    {
        while (_segmenter.TryTakeHeld(out var chunk))
        {
            await OnChunkAsync(chunk, live: false, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task SendFinalAsync(CancellationToken cancellationToken)
    {
        _segmenter.Current!.FinalSentAt = _time.GetTimestamp();
        return _session.CommitFinalAsync(cancellationToken);
    }

    /// <summary>Starts the unfinished generation on <paramref name="session"/>: commit, all its audio so far, and the final commit if it was already sent.</summary>
    private async Task ReplayAsync(IRealtimeSession session, CancellationToken cancellationToken)
    {
        if (_segmenter.Current is not { } generation)
        {
            return;
        }

        generation.Text.Clear();
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in generation.Audio)
        {
            await session.AppendAsync(chunk.Samples, cancellationToken).ConfigureAwait(false);
        }

        if (_segmenter.Phase == SegmenterPhase.Finishing)
        {
            await session.CommitFinalAsync(cancellationToken).ConfigureAwait(false);
            generation.FinalSentAt = _time.GetTimestamp();
        }
    }

    /// <summary>How long a muted speaker with an open, unused session may keep it; null when nothing is to release.</summary>
    private TimeSpan? MutedIdleRemaining() =>
        _mutedSince is { } since && _session.IsOpen && _segmenter.Phase == SegmenterPhase.BetweenGenerations && _segmenter.HeldCount == 0
            ? TimeSpan.FromMilliseconds(_options.IdleReleaseMs) - _time.GetElapsedTime(since)
            : null;

    private async Task ReleaseIdleSessionAsync()
    {
        await _session.ReleaseIdleAsync().ConfigureAwait(false);
        _segmenter.ResetSilence();
    }

    private void Publish(Generation generation, bool isFinal)
    {
        var first = generation.FirstSpeechSample ?? generation.FirstSample;
        _sink.Publish(new TranscriptSegment(
            _speaker.SegmentId(generation.Number),
            _speaker.Room,
            _speaker.Identity,
            _speaker.Name,
            _speaker.TrackSid,
            _speaker.OriginMs + first / SamplesPerMs,
            _speaker.OriginMs + generation.EndSample / SamplesPerMs,
            generation.Text.ToString().Trim(),
            isFinal,
            _options.Language,
            _session.EndpointName));
    }

    public async ValueTask DisposeAsync()
    {
        _input.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _chunker.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: audio buffer full ({MaxBufferedMs} ms); the speech endpoint is slower than real time, ingest now waits")]
    private partial void LogBackpressure(string room, string identity, int maxBufferedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity}: transcription stopped")]
    private partial void LogFailed(Exception exception, string room, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: no transcription.done within {TimeoutMs} ms, even after moving the generation; keeping its interim text")]
    private partial void LogFinalTimeout(string room, string identity, int timeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: endpoint {Endpoint} sent no transcription.done within {TimeoutMs} ms; moving the generation")]
    private partial void LogStalled(string room, string identity, string endpoint, int timeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: endpoint {Endpoint} error {Code}: {Message}")]
    private partial void LogEndpointError(string room, string identity, string endpoint, string? code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: unexpected event {What}")]
    private partial void LogUnexpected(string room, string identity, string what);
}
