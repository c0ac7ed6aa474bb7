using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Audio;
using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// Transcribes one speaker's 16 kHz stream through a realtime session, one generation per utterance.
/// <list type="bullet">
/// <item>Audio arrives in ~100 ms chunks, each classified speech or not by the stream's voice activity detector
/// (Silero VAD, or energy without the model); a generation opens at speech (after a pre-roll) and ends after a
/// pause or at the maximum length with <c>commit final</c>.</item>
/// <item>A speaker silent for <see cref="TranscriberOptions.IdleReleaseMs"/> gives its session (and the endpoint's
/// GPU memory) back; the next speech opens a new one while its audio waits in the input buffer.</item>
/// <item>Audio that arrives between <c>commit final</c> and <c>transcription.done</c> is held for the next
/// generation: the server would drop it.</item>
/// <item>Deltas make the generation's interim segment; <c>done.text</c> makes it final. Times come from the
/// audio clock.</item>
/// <item>A dropped socket is re-opened (another endpoint if possible) and the unfinished generation's audio is
/// replayed, with its interim text reset, so the same segment completes without loss or duplicates.</item>
/// </list>
/// One loop owns all state; the ingest side only writes into a bounded channel.
/// <para>Chunk buffers are pooled. A chunk belongs to one place at a time: the ingest side while it fills, the
/// input channel, then the loop's pre-roll, held queue or generation (kept there for a replay after a reconnect).
/// Its buffer goes back to the pool when it leaves the last of these: pushed out of the pre-roll, cleared by a
/// mute, or with its generation once <c>transcription.done</c> (or the final time-out) ends it. Whatever is still
/// held when the transcriber is torn down is left to the garbage collector.</para>
/// </summary>
public sealed partial class SpeakerTranscriber : IAsyncDisposable
{
    public const int SamplesPerMs = EgressAudioConverter.OutputRate / 1000;
    private const int MaxStallRecoveries = 3;
    private const int ChunkSamples = 100 * SamplesPerMs;

    private readonly SpeakerContext _speaker;
    private readonly TranscriberOptions _options;
    private readonly IEndpointPicker _endpoints;
    private readonly ISegmentSink _sink;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Channel<object> _input;
    private readonly Channel<SessionEvent> _events = Channel.CreateUnbounded<SessionEvent>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly SpeakerUsageMeter _usage;
    private readonly Task _run;

    // Ingest side.
    private readonly ChunkSpeechClassifier _classifier;
    private readonly ArrayPool<short> _buffers;
    private short[]? _filling;
    private int _filled;
    private long _clock;
    private readonly AudioClockPace _pace;
    private long? _mutedAt;
    private bool _backpressureReported;

    // Loop side.
    private readonly Queue<AudioChunk> _preRoll = new();
    private readonly Queue<AudioChunk> _held = new();
    private Generation? _generation;
    private int _nextGeneration;
    private long _silentSamples;
    private long? _mutedSince;
    private Task? _idleTimer;
    private Task<bool>? _inputWait;
    private Task<bool>? _eventWait;
    private RealtimeSession? _session;
    private EndpointLease? _lease;
    private volatile SpeakerState _state = SpeakerState.Idle;
    private volatile bool _endingAtPause;
    private volatile string? _error;

    /// <param name="detector">The stream's own voice activity detector (owned and disposed here); energy on
    /// <see cref="TranscriberOptions.SpeechThresholdDbfs"/> when none is given.</param>
    /// <param name="chunkBuffers">Where chunk buffers are rented and returned; the shared pool when none is given.</param>
    public SpeakerTranscriber(
        SpeakerContext speaker, TranscriberOptions options, IEndpointPicker endpoints, ISegmentSink sink, ILogger logger, TimeProvider? time = null,
        IVoiceActivityDetector? detector = null, ArrayPool<short>? chunkBuffers = null)
    {
        _buffers = chunkBuffers ?? ArrayPool<short>.Shared;
        _speaker = speaker;
        _options = options;
        _endpoints = endpoints;
        _sink = sink;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _usage = new SpeakerUsageMeter(_time);
        _pace = new AudioClockPace(_time.TimestampFrequency);
        _classifier = new ChunkSpeechClassifier(
            detector ?? new EnergyVoiceActivityDetector(options.SpeechThresholdDbfs),
            new SpeechHysteresis((float)options.VadSpeechOnProbability, (float)options.VadSpeechOffProbability));
        var capacity = Math.Max(10, options.MaxBufferedMs / 100);
        // A waiting loop resumes inside the writer's call: the chunk's append leaves in the ingest frame's own
        // thread-pool turn instead of queueing behind every other stream's frames (measured in ingest-load: that
        // second hop was the append-latency tail once a core was busy).
        _input = Channel.CreateBounded<object>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true,
        });
        _run = Task.Run(() => RunAsync(_stopping.Token));
    }

    public SpeakerState State => _state;

    /// <summary>No generation is taking audio: the speaker paused (or never spoke), so stopping now cuts no utterance.</summary>
    public bool AtGenerationBoundary => Volatile.Read(ref _generation) is not { FinalSent: false };

    /// <summary>
    /// From now on no new generation opens: the running one ends at the speaker's next pause, and then
    /// <see cref="AtGenerationBoundary"/> stays true, so a stream can be stopped without cutting an utterance.
    /// </summary>
    public void EndAtNextPause() => _endingAtPause = true;

    public string? Error => _error;

    public string? EndpointName => _lease?.Endpoint.Name;

    /// <summary>Speech, generation and session time so far; safe to read from any thread.</summary>
    public SpeakerUsage Usage => _usage.Snapshot();

    /// <summary>What tells speech from silence on this stream (<c>silero</c> or <c>energy</c>).</summary>
    public string VoiceActivityDetector => _classifier.Detector.Kind;

    /// <summary>Samples received so far on the stream's 16 kHz clock (mute gaps included).</summary>
    public long ClockSamples => _clock;

    /// <summary>Adds 16 kHz mono samples; waits when the buffer is full (the endpoint is slower than real time).</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken)
    {
        while (!samples.IsEmpty)
        {
            _filling ??= _buffers.Rent(ChunkSamples);
            var take = Math.Min(ChunkSamples - _filled, samples.Length);
            samples.Span[..take].CopyTo(_filling.AsSpan(_filled));
            _filled += take;
            samples = samples[take..];
            if (_filled == ChunkSamples)
            {
                await FlushChunkAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The track was muted or unmuted: a mute ends the running generation; the clock runs on through the gap.</summary>
    public async ValueTask SetMutedAsync(bool muted, CancellationToken cancellationToken)
    {
        await FlushChunkAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetTimestamp();
        if (muted && _mutedAt is null)
        {
            _mutedAt = now;
        }
        else if (!muted && _mutedAt is { } since)
        {
            _clock += (long)(_time.GetElapsedTime(since, now).TotalMilliseconds * SamplesPerMs);
            _mutedAt = null;
        }

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

    private async ValueTask FlushChunkAsync(CancellationToken cancellationToken)
    {
        if (_filled == 0)
        {
            return;
        }

        // A rented buffer may be longer than a chunk: the chunk is its first _filled samples.
        var samples = _filling!.AsMemory(0, _filled);
        var now = _time.GetTimestamp();
        var chunk = new AudioChunk(_clock, samples, _classifier.Classify(samples.Span), now, _pace.DueAt(now, _clock + samples.Length));
        _clock += samples.Length;
        if (chunk.IsSpeech)
        {
            _usage.Speech(samples.Length);
        }

        _filling = null;
        _filled = 0;
        ScribeMetrics.AudioSeconds.Add(samples.Length / (double)EgressAudioConverter.OutputRate);
        await EnqueueAsync(chunk, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask EnqueueAsync(object item, CancellationToken cancellationToken)
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
                while (_events.Reader.TryRead(out var sessionEvent))
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
                    if (_generation is null)
                    {
                        if (_held.Count == 0)
                        {
                            break;
                        }

                        await DrainHeldAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    if (!_generation.FinalSent)
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
                    _eventWait = _events.Reader.WaitToReadAsync(cancellationToken).AsTask();
                }

                var inputReady = inputOpen ? _inputWait! : Task.Delay(Timeout.Infinite, cancellationToken);
                var eventReady = _eventWait;
                if (_generation is { FinalSent: true } waiting)
                {
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
            ReleasePreRoll();
            _state = SpeakerState.Stopped;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _state = SpeakerState.Stopped;
        }
        catch (Exception e)
        {
            _state = SpeakerState.Error;
            _error = e.Message;
            LogFailed(e, _speaker.Room, _speaker.Identity);
        }
        finally
        {
            await CloseSessionAsync().ConfigureAwait(false);
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
            LogStalled(_speaker.Room, _speaker.Identity, _session?.Endpoint.Name ?? "?", _options.FinalTimeoutMs);
            await RecoverAsync(_session?.Endpoint, cancellationToken).ConfigureAwait(false);
            return;
        }

        LogFinalTimeout(_speaker.Room, _speaker.Identity, _options.FinalTimeoutMs);
        if (generation.Text.Length > 0)
        {
            Publish(generation, isFinal: true);
        }

        _generation = null;
        generation.Release(_buffers);
        await DrainHeldAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task OnInputAsync(object item, CancellationToken cancellationToken)
    {
        switch (item)
        {
            case AudioChunk chunk when _generation is { FinalSent: true }:
                _held.Enqueue(chunk);
                break;
            case AudioChunk chunk:
                await OnChunkAsync(chunk, live: true, cancellationToken).ConfigureAwait(false);
                break;
            case MuteChanged { Muted: true }:
                _state = SpeakerState.Muted;
                _mutedSince ??= _time.GetTimestamp();
                ReleasePreRoll();
                if (_generation is { FinalSent: false })
                {
                    await SendFinalAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            case MuteChanged { Muted: false }:
                _mutedSince = null;
                _state = _session is null ? SpeakerState.Idle : SpeakerState.Streaming;
                break;
        }
    }

    private async Task OnChunkAsync(AudioChunk chunk, bool live, CancellationToken cancellationToken)
    {
        if (_generation is null)
        {
            await LeaveEndpointIfAskedAsync().ConfigureAwait(false);
            if (!chunk.IsSpeech)
            {
                KeepPreRoll(chunk);
                _silentSamples += chunk.Samples.Length;
                if (_session is not null && _held.Count == 0 && _silentSamples >= (long)_options.IdleReleaseMs * SamplesPerMs)
                {
                    await ReleaseIdleSessionAsync().ConfigureAwait(false);
                }

                return;
            }

            if (_endingAtPause)
            {
                // This stream is handing over: the next utterance belongs to the speaker's next stream. The chunk
                // goes where silence goes, so its buffer is returned like any other.
                KeepPreRoll(chunk);
                return;
            }

            _silentSamples = 0;
            await OpenGenerationAsync(chunk, cancellationToken).ConfigureAwait(false);
            return;
        }

        var generation = _generation;
        generation.Add(chunk);
        await SendAsync(s => s.AppendAsync(chunk.Samples, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        if (live)
        {
            // Live audio only: pre-roll and held audio wait on purpose.
            var sent = _time.GetTimestamp();
            ScribeMetrics.AppendLatency.Record(_time.GetElapsedTime(chunk.ReceivedAt, sent).TotalMilliseconds);
            ScribeMetrics.AppendDelay.Record(_time.GetElapsedTime(chunk.DueAt, sent).TotalMilliseconds);
        }
        var windowFull = generation.DurationMs >= _options.MaxGenerationMs
            && (!chunk.IsSpeech || generation.DurationMs >= _options.MaxGenerationMs + _options.WindowGraceMs);
        if (generation.TrailingSilenceMs >= _options.PauseMs || windowFull)
        {
            await SendFinalAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How long a muted speaker with an open, unused session may keep it; null when nothing is to release.</summary>
    private TimeSpan? MutedIdleRemaining() =>
        _mutedSince is { } since && _session is not null && _generation is null && _held.Count == 0
            ? TimeSpan.FromMilliseconds(_options.IdleReleaseMs) - _time.GetElapsedTime(since)
            : null;

    /// <summary>
    /// Gives a silent speaker's session back (socket closed, endpoint slot freed). Only between generations, with
    /// nothing held: no generation is ever cut by a release. The next speech opens a new session.
    /// </summary>
    private async Task ReleaseIdleSessionAsync()
    {
        var endpoint = _lease?.Endpoint.Name ?? "?";
        _usage.IdleReleased();
        await CloseSessionAsync().ConfigureAwait(false);
        _silentSamples = 0;
        _state = _state == SpeakerState.Muted ? SpeakerState.Muted : SpeakerState.Idle;
        LogIdleReleased(_speaker.Room, _speaker.Identity, endpoint, _options.IdleReleaseMs);
    }

    /// <summary>
    /// Endpoints hook: between generations a session can move without cutting or replaying anything, so a
    /// draining, failing or removed endpoint is left here; the next generation opens wherever the picker says.
    /// </summary>
    private async Task LeaveEndpointIfAskedAsync()
    {
        if (_lease is { } lease && _endpoints.ShouldLeave(lease))
        {
            ScribeMetrics.EndpointMoves.Add(1, new KeyValuePair<string, object?>("endpoint", lease.Endpoint.Name));
            await CloseSessionAsync().ConfigureAwait(false);
            if (_state == SpeakerState.Streaming)
            {
                _state = SpeakerState.Idle;
            }
        }
    }

    private void KeepPreRoll(AudioChunk chunk)
    {
        _preRoll.Enqueue(chunk);
        var kept = 0;
        foreach (var held in _preRoll)
        {
            kept += held.Samples.Length;
        }

        while (_preRoll.Count > 0 && kept > _options.PreRollMs * SamplesPerMs)
        {
            var dropped = _preRoll.Dequeue();
            kept -= dropped.Samples.Length;
            Release(_buffers, dropped);
        }
    }

    private void ReleasePreRoll()
    {
        while (_preRoll.TryDequeue(out var chunk))
        {
            Release(_buffers, chunk);
        }
    }

    /// <summary>Gives a chunk's buffer back; the chunk must not be read afterwards.</summary>
    private static void Release(ArrayPool<short> buffers, AudioChunk chunk)
    {
        if (MemoryMarshal.TryGetArray(chunk.Samples, out var rented) && rented.Array is { } array)
        {
            buffers.Return(array);
        }
    }

    private async Task OpenGenerationAsync(AudioChunk speech, CancellationToken cancellationToken)
    {
        var generation = new Generation(_nextGeneration++, _usage);
        foreach (var chunk in _preRoll)
        {
            generation.Add(chunk);
        }

        _preRoll.Clear();
        generation.Add(speech);
        _generation = generation;

        if (_session is null)
        {
            // A fresh session replays the whole generation, pre-roll included.
            await RecoverAsync(failed: null, cancellationToken).ConfigureAwait(false);
            return;
        }

        await SendAsync(s => StartOnAsync(s, generation, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts <paramref name="generation"/> on <paramref name="session"/>: commit, then all its audio so far.</summary>
    private static async Task StartOnAsync(RealtimeSession session, Generation generation, CancellationToken cancellationToken)
    {
        await session.CommitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in generation.Audio)
        {
            await session.AppendAsync(chunk.Samples, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendFinalAsync(CancellationToken cancellationToken)
    {
        var generation = _generation!;
        generation.FinalSent = true;
        generation.FinalSentAt = _time.GetTimestamp();
        await SendAsync(s => s.CommitFinalAsync(cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    private async Task OnSessionEventAsync(SessionEvent sessionEvent, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(sessionEvent.Session, _session))
        {
            return; // from a session we already replaced
        }

        switch (sessionEvent.Event)
        {
            case null when _generation is null && _held.Count == 0:
                // Nothing in flight: a silent speaker needs no session until it speaks again (as after an idle release).
                LogDisconnected(_speaker.Room, _speaker.Identity, sessionEvent.Session.Endpoint.Name, sessionEvent.Failure?.Message ?? "closed by the server");
                await CloseSessionAsync().ConfigureAwait(false);
                _state = _state == SpeakerState.Muted ? SpeakerState.Muted : SpeakerState.Idle;
                break;
            case null:
                LogDisconnected(_speaker.Room, _speaker.Identity, sessionEvent.Session.Endpoint.Name, sessionEvent.Failure?.Message ?? "closed by the server");
                await RecoverAsync(sessionEvent.Session.Endpoint, cancellationToken).ConfigureAwait(false);
                break;
            case TranscriptionDelta delta when _generation is { } generation:
                generation.Text.Append(delta.Delta);
                Publish(generation, isFinal: false);
                break;
            case TranscriptionDone done when _generation is { FinalSent: true } generation:
                generation.Text.Clear().Append(done.Text);
                Publish(generation, isFinal: true);
                ScribeMetrics.Generations.Add(1);
                ScribeMetrics.GenerationSeconds.Add(generation.SampleCount / (double)EgressAudioConverter.OutputRate);
                ScribeMetrics.GenerationLatency.Record(_time.GetElapsedTime(generation.FinalSentAt).TotalMilliseconds);
                _generation = null;
                generation.Release(_buffers);
                await DrainHeldAsync(cancellationToken).ConfigureAwait(false);
                break;
            case TranscriptionDone:
                LogUnexpected(_speaker.Room, _speaker.Identity, "transcription.done without a finished generation");
                break;
            case RealtimeError error:
                ScribeMetrics.RealtimeErrors.Add(1, new KeyValuePair<string, object?>("code", error.Code ?? "unknown"));
                LogEndpointError(_speaker.Room, _speaker.Identity, sessionEvent.Session.Endpoint.Name, error.Code, error.Message);
                if (error.Code is "model_not_found" or "model_not_validated" or "invalid_event" && _state != SpeakerState.Error)
                {
                    // A configuration fault: the endpoint will refuse every generation the same way. The first
                    // error names the cause; the refusals that follow from it would only hide it.
                    _state = SpeakerState.Error;
                    _error = $"{error.Code}: {error.Message}";
                }

                break;
            case UnknownEvent unknown:
                LogUnexpected(_speaker.Room, _speaker.Identity, unknown.Type);
                break;
        }
    }

    private async Task DrainHeldAsync(CancellationToken cancellationToken)
    {
        while (_held.Count > 0 && _generation is not { FinalSent: true })
        {
            await OnChunkAsync(_held.Dequeue(), live: false, cancellationToken).ConfigureAwait(false);
        }
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
            _lease?.Endpoint.Name));
    }

    /// <summary>Runs a send on the current session; a broken socket leads to reconnect and replay.</summary>
    private async Task SendAsync(Func<RealtimeSession, Task> send, CancellationToken cancellationToken)
    {
        var session = _session;
        if (session is null)
        {
            await RecoverAsync(failed: null, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await send(session).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionLoss(e, cancellationToken))
        {
            LogDisconnected(_speaker.Room, _speaker.Identity, session.Endpoint.Name, e.Message);
            await RecoverAsync(session.Endpoint, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Opens a session (another endpoint than <paramref name="failed"/> when one has room) and replays the
    /// unfinished generation: commit, all its audio, and the final commit if it was already sent.
    /// </summary>
    private async Task RecoverAsync(InferenceEndpoint? failed, CancellationToken cancellationToken)
    {
        await CloseSessionAsync().ConfigureAwait(false);
        var delay = TimeSpan.FromMilliseconds(500);
        long? waitingSince = null;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lease = _endpoints.TryAcquire($"{_speaker.Room}/{_speaker.Identity}", failed);
            if (lease is null)
            {
                // Endpoints hook: count the wait, and wake as soon as the picker sees a slot free up.
                if (waitingSince is null)
                {
                    waitingSince = _time.GetTimestamp();
                    ScribeMetrics.CapacityWaits.Add(1);
                }

                _state = SpeakerState.WaitingForCapacity;
                await _endpoints.WaitForCapacityAsync(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (waitingSince is { } since)
            {
                ScribeMetrics.CapacityWaitTime.Record(_time.GetElapsedTime(since).TotalMilliseconds);
                waitingSince = null;
            }

            try
            {
                var session = await RealtimeSession.OpenAsync(
                    lease.Endpoint, _options.Language, TimeSpan.FromMilliseconds(_options.HandshakeTimeoutMs), cancellationToken).ConfigureAwait(false);
                _session = session;
                _lease = lease;
                _usage.SessionOpened();
                _ = PumpEventsAsync(session, cancellationToken);
                if (failed is not null)
                {
                    ScribeMetrics.Reconnects.Add(1);
                }

                if (_generation is { } generation)
                {
                    generation.Text.Clear();
                    await StartOnAsync(session, generation, cancellationToken).ConfigureAwait(false);

                    if (generation.FinalSent)
                    {
                        await session.CommitFinalAsync(cancellationToken).ConfigureAwait(false);
                        generation.FinalSentAt = _time.GetTimestamp();
                    }
                }

                _state = _state == SpeakerState.Muted ? SpeakerState.Muted : SpeakerState.Streaming;
                _error = null;
                LogSessionOpened(_speaker.Room, _speaker.Identity, lease.Endpoint.Name, session.Id, attempt);
                return;
            }
            catch (Exception e) when (e is RealtimeSessionException || IsConnectionLoss(e, cancellationToken))
            {
                lease.Dispose();
                await CloseSessionAsync().ConfigureAwait(false);
                failed = lease.Endpoint;
                _error = e.Message;
                if (attempt >= 5)
                {
                    _state = SpeakerState.Error;
                }

                LogConnectFailed(_speaker.Room, _speaker.Identity, lease.Endpoint.Name, attempt, e.Message);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 8_000));
            }
        }
    }

    /// <summary>
    /// A socket that broke under a send. When the reading side notices a dead peer it aborts the socket, and a
    /// send in flight then ends as cancelled although nobody cancelled us: that is a lost connection too.
    /// </summary>
    private static bool IsConnectionLoss(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException or OperationCanceledException;

    private async Task PumpEventsAsync(RealtimeSession session, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var next = await session.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    break;
                }

                _events.Writer.TryWrite(new SessionEvent(session, next, null));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            failure = e;
        }

        _events.Writer.TryWrite(new SessionEvent(session, null, failure));
    }

    private async Task CloseSessionAsync()
    {
        var session = _session;
        _session = null;
        _lease?.Dispose();
        _lease = null;
        if (session is not null)
        {
            _usage.SessionClosed();
            await session.DisposeAsync().ConfigureAwait(false);
        }
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

        _classifier.Dispose();
        _stopping.Dispose();
    }

    private sealed record MuteChanged(bool Muted);

    private sealed record SessionEvent(RealtimeSession Session, RealtimeServerEvent? Event, Exception? Failure);

    private sealed class Generation(int number, SpeakerUsageMeter usage)
    {
        private readonly List<AudioChunk> _audio = [];

        public int Number { get; } = number;
        public IReadOnlyList<AudioChunk> Audio => _audio;
        public StringBuilder Text { get; } = new();
        public bool FinalSent { get; set; }
        public int StallRecoveries { get; set; }
        public long FinalSentAt { get; set; }
        public long? FirstSpeechSample { get; private set; }
        public long FirstSample => _audio[0].StartSample;
        public long EndSample => _audio[^1].EndSample;
        public long SampleCount { get; private set; }
        public int TrailingSilenceMs { get; private set; }
        public long DurationMs => SampleCount / SamplesPerMs;

        /// <summary>The generation is over: its audio will not be replayed, so the buffers go back.</summary>
        public void Release(ArrayPool<short> buffers)
        {
            foreach (var chunk in _audio)
            {
                SpeakerTranscriber.Release(buffers, chunk);
            }

            _audio.Clear();
        }

        public void Add(AudioChunk chunk)
        {
            _audio.Add(chunk);
            SampleCount += chunk.Samples.Length;
            usage.Generation(chunk.Samples.Length);
            if (chunk.IsSpeech)
            {
                FirstSpeechSample ??= chunk.StartSample;
                TrailingSilenceMs = 0;
            }
            else if (FirstSpeechSample is not null)
            {
                TrailingSilenceMs += chunk.Samples.Length / SamplesPerMs;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: audio buffer full ({MaxBufferedMs} ms); the speech endpoint is slower than real time, ingest now waits")]
    private partial void LogBackpressure(string room, string identity, int maxBufferedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity}: transcription stopped")]
    private partial void LogFailed(Exception exception, string room, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: no transcription.done within {TimeoutMs} ms, even after moving the generation; keeping its interim text")]
    private partial void LogFinalTimeout(string room, string identity, int timeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: endpoint {Endpoint} sent no transcription.done within {TimeoutMs} ms; moving the generation")]
    private partial void LogStalled(string room, string identity, string endpoint, int timeoutMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: realtime session on {Endpoint} lost: {Reason}")]
    private partial void LogDisconnected(string room, string identity, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: endpoint {Endpoint} error {Code}: {Message}")]
    private partial void LogEndpointError(string room, string identity, string endpoint, string? code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: unexpected event {What}")]
    private partial void LogUnexpected(string room, string identity, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: realtime session {SessionId} open on {Endpoint} (attempt {Attempt})")]
    private partial void LogSessionOpened(string room, string identity, string endpoint, string sessionId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: silent for {IdleReleaseMs} ms, realtime session on {Endpoint} released")]
    private partial void LogIdleReleased(string room, string identity, string endpoint, int idleReleaseMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: could not open a session on {Endpoint} (attempt {Attempt}): {Reason}")]
    private partial void LogConnectFailed(string room, string identity, string endpoint, int attempt, string reason);
}
