using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Audio;
using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// The loop side of a <see cref="SpeakerTranscriber"/>: the one reader of its input and of its session's events,
/// and so the owner of the segmenter, the session and the publisher. It only wires them: chunks go to the
/// <see cref="UtteranceSegmenter"/>, whose decisions become sends through the <see cref="SessionKeeper"/>; server
/// events become segments through the <see cref="GenerationPublisher"/>. The waits it runs are the final time-out
/// of a finishing generation and the idle clock of a muted speaker whose track may send nothing.
/// </summary>
internal sealed partial class TranscriptionLoop
{
    private const int MaxStallRecoveries = 3;

    private readonly SpeakerContext _speaker;
    private readonly TranscriberOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ScribeMetrics _metrics;
    private readonly ChannelReader<TranscriberInput> _input;
    private readonly UtteranceSegmenter _segmenter;
    private readonly SessionKeeper _session;
    private readonly GenerationPublisher _publisher;

    private long? _mutedSince;
    private Task? _idleTimer;
    private Task<bool>? _inputWait;
    private Task<bool>? _eventWait;
    private volatile bool _muted;
    private volatile bool _stopped;
    private volatile string? _failure;

    public TranscriptionLoop(
        SpeakerContext speaker, TranscriberOptions options, IEndpointPicker endpoints, IRealtimeConnector connector, ISegmentSink sink,
        ILogger logger, TimeProvider time, SpeakerUsageMeter usage, ScribeMetrics metrics, ChunkBufferPool buffers, ChannelReader<TranscriberInput> input)
    {
        _speaker = speaker;
        _options = options;
        _logger = logger;
        _time = time;
        _metrics = metrics;
        _input = input;
        _segmenter = new UtteranceSegmenter(options, buffers, usage);
        _session = new SessionKeeper(speaker, options, endpoints, connector, usage, metrics, time, logger, ReplayAsync);
        _publisher = new GenerationPublisher(speaker, options, sink, metrics, time);
    }

    public UtteranceSegmenter Segmenter => _segmenter;

    public SessionKeeper Session => _session;

    public bool Muted => _muted;

    /// <summary>The loop has ended (the stream ended, it was stopped, or it failed).</summary>
    public bool Stopped => _stopped;

    /// <summary>Why the loop failed; null while it runs or when it ended normally.</summary>
    public string? Failure => _failure;

    public async Task RunAsync(CancellationToken cancellationToken)
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

                if (inputOpen && _input.TryRead(out var item))
                {
                    await OnInputAsync(item, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (inputOpen && _input.Completion.IsCompleted)
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
                    _inputWait = _input.WaitToReadAsync(cancellationToken).AsTask();
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
            await _session.EndGenerationAsync().ConfigureAwait(false);
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
                if (_session.IsOpen && _segmenter.HeldCount == 0 && _segmenter.SilentSamples >= (long)_options.IdleReleaseMs * SpeakerTranscriber.SamplesPerMs)
                {
                    await ReleaseIdleSessionAsync().ConfigureAwait(false);
                }

                return;
            case ChunkOutcome.Opened:
                // Speech began when this chunk arrived (held audio arrived earlier than now): the queue's order.
                await _session.AdmitAsync(_time.GetUtcNow() - _time.GetElapsedTime(chunk.ReceivedAt), cancellationToken).ConfigureAwait(false);
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
            _metrics.AppendLatency.Record(_time.GetElapsedTime(chunk.ReceivedAt, sent).TotalMilliseconds);
            _metrics.AppendDelay.Record(_time.GetElapsedTime(chunk.DueAt, sent).TotalMilliseconds);
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
            case TranscriptionDelta { Delta.Length: 0 }:
                // One delta per 80 ms engine step, most of them empty: nothing to show, store or send.
                break;
            case TranscriptionDelta delta when _segmenter.Current is { } generation:
                _publisher.Delta(generation, delta.Delta, _session.EndpointName);
                break;
            case TranscriptionDone done when _segmenter.Phase == SegmenterPhase.Finishing:
                _publisher.Done(_segmenter.Current!, done.Text, _session.EndpointName);
                _segmenter.Complete();
                await _session.EndGenerationAsync().ConfigureAwait(false);
                await DrainHeldAsync(cancellationToken).ConfigureAwait(false);
                break;
            case TranscriptionDone:
                LogUnexpected(_speaker.Room, _speaker.Identity, "transcription.done without a finished generation");
                break;
            case RealtimeError error:
                _metrics.RealtimeErrors.Add(1, new KeyValuePair<string, object?>("code", error.Code ?? "unknown"));
                LogEndpointError(_speaker.Room, _speaker.Identity, sessionEvent.Session.Endpoint.Name, error.Code, error.Message);
                if (error.Code is "processing_error" && _segmenter.Phase != SegmenterPhase.BetweenGenerations)
                {
                    // The engine failed the running generation's request: no transcription.done will come, and audio
                    // sent on this session is never read. Lost like a dropped socket, so replayed on a fresh session now.
                    _metrics.GenerationFailures.Add(1, new KeyValuePair<string, object?>("reason", "processing_error"));
                    LogGenerationFailed(_speaker.Room, _speaker.Identity, sessionEvent.Session.Endpoint.Name, error.Message);
                    await _session.MoveAsync(cancellationToken).ConfigureAwait(false);
                }
                else if (error.Code is "model_not_found" or "model_not_validated" or "invalid_event")
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
        _publisher.GiveUp(generation, _session.EndpointName);

        _segmenter.Complete();
        await _session.EndGenerationAsync().ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity}: transcription stopped")]
    private partial void LogFailed(Exception exception, string room, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: no transcription.done within {TimeoutMs} ms, even after moving the generation; keeping its interim text")]
    private partial void LogFinalTimeout(string room, string identity, int timeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: endpoint {Endpoint} sent no transcription.done within {TimeoutMs} ms; moving the generation")]
    private partial void LogStalled(string room, string identity, string endpoint, int timeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: endpoint {Endpoint} error {Code}: {Message}")]
    private partial void LogEndpointError(string room, string identity, string endpoint, string? code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: endpoint {Endpoint} failed the running generation ({Message}); replaying it on a fresh session")]
    private partial void LogGenerationFailed(string room, string identity, string endpoint, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: unexpected event {What}")]
    private partial void LogUnexpected(string room, string identity, string what);
}
