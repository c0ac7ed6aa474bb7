using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Audio;
using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// The loop side of a <see cref="SpeakerTranscriber"/>: the one reader of its input channel, so the owner of the
/// segmenter, the admission, the session and the publisher. All it acts on is an input there (audio and mute changes
/// from ingest, session events, its timers coming due), each handed to one small handler. It only wires: chunks go
/// to the <see cref="UtteranceSegmenter"/>, whose decisions become sends through the <see cref="SessionKeeper"/>;
/// server events become segments through the <see cref="GenerationPublisher"/>.
/// </summary>
internal sealed partial class TranscriptionLoop : IAsyncDisposable
{
    private const int MaxStallRecoveries = 3;

    private readonly SpeakerContext _speaker;
    private readonly TranscriberOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ScribeMetrics _metrics;
    private readonly Channel<TranscriberInput> _inputs;
    private readonly UtteranceSegmenter _segmenter;
    private readonly SpeakerAdmission _admission;
    private readonly SessionKeeper _session;
    private readonly GenerationPublisher _publisher;
    private readonly LoopTimer _finalTimer;
    private readonly LoopTimer _idleTimer;

    private long? _mutedSince;
    private bool _idleTimerSet;
    private bool _streamEnded;
    private volatile bool _muted;
    private volatile bool _stopped;
    private volatile string? _failure;

    public TranscriptionLoop(
        SpeakerContext speaker, TranscriberOptions options, IEndpointPicker endpoints, IRealtimeConnector connector, ISegmentSink sink,
        ILogger logger, TimeProvider time, SpeakerUsageMeter usage, ScribeMetrics metrics, ChunkBufferPool buffers, Channel<TranscriberInput> inputs)
    {
        _speaker = speaker;
        _options = options;
        _logger = logger;
        _time = time;
        _metrics = metrics;
        _inputs = inputs;
        _segmenter = new UtteranceSegmenter(options, buffers, usage);
        var capacity = new CapacityWait(endpoints, metrics, time);
        _admission = new SpeakerAdmission(speaker, options, endpoints, capacity, metrics);
        _session = new SessionKeeper(speaker, options, endpoints, connector, capacity, usage, metrics, time, logger, inputs.Writer, ReplayAsync);
        _publisher = new GenerationPublisher(speaker, options, sink, metrics, time);
        _finalTimer = new LoopTimer(time, inputs.Writer, FinalTimeoutDue.Instance);
        _idleTimer = new LoopTimer(time, inputs.Writer, IdleReleaseDue.Instance);
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
            await foreach (var input in _inputs.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                _streamEnded |= input is StreamEnded; // followed up below: what is open is finished first
                await HandleAsync(input, cancellationToken).ConfigureAwait(false);
                if (await FollowUpAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
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
            await DisposeAsync().ConfigureAwait(false); // no timer comes due after the loop
            await _admission.EndGenerationAsync().ConfigureAwait(false);
            await _session.CloseAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _finalTimer.DisposeAsync().ConfigureAwait(false);
        await _idleTimer.DisposeAsync().ConfigureAwait(false);
    }

    private Task HandleAsync(TranscriberInput input, CancellationToken cancellationToken) => input switch
    {
        AudioChunk chunk => OnChunkAsync(chunk, live: true, cancellationToken),
        MuteChanged change => OnMuteChangedAsync(change.Muted, cancellationToken),
        SessionEvent sessionEvent => OnSessionEventAsync(sessionEvent, cancellationToken),
        FinalTimeoutDue => OnFinalTimeoutDueAsync(cancellationToken),
        IdleReleaseDue => OnIdleReleaseDueAsync(),
        _ => Task.CompletedTask,
    };

    /// <summary>
    /// After every input: an ended stream finishes what is open, then the audio still held (true: all done); a muted
    /// speaker's idle timer is set (a muted track may send nothing at all, so the audio clock cannot end its session).
    /// </summary>
    private async Task<bool> FollowUpAsync(CancellationToken cancellationToken)
    {
        while (_streamEnded)
        {
            if (_segmenter.Phase == SegmenterPhase.BetweenGenerations)
            {
                if (_segmenter.HeldCount == 0)
                {
                    return true;
                }

                await DrainHeldAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!_segmenter.Finish())
            {
                break; // finishing: the loop waits for its transcription.done (or the final time-out)
            }

            await SendFinalAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_idleTimerSet && MutedIdleRemaining() is { } remaining)
        {
            if (remaining <= TimeSpan.Zero)
            {
                await ReleaseIdleSessionAsync().ConfigureAwait(false);
            }
            else
            {
                _idleTimerSet = true;
                _idleTimer.Set(remaining);
            }
        }

        return false;
    }

    private async Task OnMuteChangedAsync(bool muted, CancellationToken cancellationToken)
    {
        _muted = muted;
        _mutedSince = muted ? _mutedSince ?? _time.GetTimestamp() : null;
        if (muted && _segmenter.Mute())
        {
            await SendFinalAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Still finishing past the time-out since the last final commit: the endpoint has stalled.</summary>
    private Task OnFinalTimeoutDueAsync(CancellationToken cancellationToken)
    {
        if (_segmenter.Phase != SegmenterPhase.Finishing)
        {
            return Task.CompletedTask; // the generation finished in time
        }

        var remaining = FinalTimeout - _time.GetElapsedTime(_segmenter.Current!.FinalSentAt);
        if (remaining > TimeSpan.Zero)
        {
            _finalTimer.Set(remaining); // the final commit was sent again since, or the timer came early
            return Task.CompletedTask;
        }

        return OnFinalOverdueAsync(_segmenter.Current, cancellationToken);
    }

    /// <summary>Released when still muted, silent and unused for the whole idle time; anything else and the follow-up sets the clock again.</summary>
    private Task OnIdleReleaseDueAsync()
    {
        _idleTimerSet = false;
        return MutedIdleRemaining() is { } remaining && remaining <= TimeSpan.Zero ? ReleaseIdleSessionAsync() : Task.CompletedTask;
    }

    private TimeSpan FinalTimeout => TimeSpan.FromMilliseconds(_options.FinalTimeoutMs);

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
                if (_session.IsOpen && _segmenter.HeldCount == 0 && _segmenter.SilentSamples >= (long)_options.IdleReleaseMs * SpeechAudio.SamplesPerMs)
                {
                    await ReleaseIdleSessionAsync().ConfigureAwait(false);
                }

                return;
            case ChunkOutcome.Opened:
                // Speech began when this chunk arrived (held audio arrived earlier than now): the queue's order.
                var speechStartedAt = _time.GetUtcNow() - _time.GetElapsedTime(chunk.ReceivedAt);
                if (await _admission.AdmitAsync(speechStartedAt, _session.EndpointName, _session.OnCapacityFull, cancellationToken).ConfigureAwait(false) is { } ticket)
                {
                    await _session.FollowSlotAsync(ticket).ConfigureAwait(false);
                }

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
                await _admission.EndGenerationAsync().ConfigureAwait(false);
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
        await _admission.EndGenerationAsync().ConfigureAwait(false);
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
        MarkFinalSent(_segmenter.Current!);
        return _session.CommitFinalAsync(cancellationToken);
    }

    /// <summary>The final commit is (re)sent: the time-out counts from now.</summary>
    private void MarkFinalSent(Generation generation)
    {
        generation.FinalSentAt = _time.GetTimestamp();
        _finalTimer.Set(FinalTimeout);
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
            MarkFinalSent(generation);
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
