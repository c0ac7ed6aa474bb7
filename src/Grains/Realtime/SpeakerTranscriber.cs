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
/// <item><see cref="SpeakerAdmission"/>: a generation slot per generation, waited for when the fleet is full.</item>
/// <item><see cref="SessionKeeper"/>: the session on an endpoint; a lost one is re-opened (another endpoint if
/// possible) and the unfinished generation replayed with its interim text reset, so the same segment completes
/// without loss or duplicates. A silent speaker's session is released after
/// <see cref="TranscriberOptions.IdleReleaseMs"/>.</item>
/// </list>
/// Deltas make the generation's interim segment; <c>done.text</c> makes it final. Times come from the audio clock.
/// The ingest side only writes into the loop's bounded channel; the loop owns everything else.
/// </summary>
public sealed partial class SpeakerTranscriber : IAsyncDisposable
{
    private readonly SpeakerContext _speaker;
    private readonly TranscriberOptions _options;
    private readonly ILogger _logger;
    private readonly ScribeMetrics _metrics;
    private readonly Channel<TranscriberInput> _input;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SpeakerUsageMeter _usage;
    private readonly AudioChunker _chunker;
    private readonly TranscriptionLoop _loop;
    private readonly Task _run;
    private bool _backpressureReported;
    private volatile bool _ending;

    /// <param name="detector">The stream's own voice activity detector (owned and disposed here); energy on
    /// <see cref="TranscriberOptions.SpeechThresholdDbfs"/> when none is given.</param>
    /// <param name="chunkBuffers">Where chunk buffers are rented and returned; the shared pool when none is given.</param>
    /// <param name="connector">How sessions are opened; vLLM's realtime WebSocket when none is given.</param>
    public SpeakerTranscriber(
        SpeakerContext speaker, TranscriberOptions options, IEndpointPicker endpoints, ISegmentSink sink, ILogger logger, ScribeMetrics metrics,
        TimeProvider? time = null,
        IVoiceActivityDetector? detector = null, ArrayPool<short>? chunkBuffers = null, IRealtimeConnector? connector = null)
    {
        _speaker = speaker;
        _options = options;
        _logger = logger;
        _metrics = metrics;
        time ??= TimeProvider.System;
        _usage = new SpeakerUsageMeter(time, metrics);
        var buffers = new ChunkBufferPool(chunkBuffers);
        _chunker = new AudioChunker(
            new ChunkSpeechClassifier(
                detector ?? new EnergyVoiceActivityDetector(options.SpeechThresholdDbfs),
                new SpeechHysteresis((float)options.VadSpeechOnProbability, (float)options.VadSpeechOffProbability)),
            buffers, _usage, metrics, time);
        var capacity = Math.Max(10, options.MaxBufferedMs / 100);
        // A waiting loop resumes inside the writer's call: the chunk's append leaves in the ingest frame's own
        // thread-pool turn instead of queueing behind every other stream's frames (measured in ingest-load: that
        // second hop was the append-latency tail once a core was busy). The session's events and the loop's timers
        // are written here too, so the loop has one source of inputs.
        _input = Channel.CreateBounded<TranscriberInput>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait, AllowSynchronousContinuations = true,
        });
        _loop = new TranscriptionLoop(
            speaker, options, endpoints, connector ?? WebSocketRealtimeConnector.Instance, sink, logger, time, _usage, metrics, buffers, _input);
        _run = Task.Run(() => _loop.RunAsync(_stopping.Token));
    }

    /// <summary>The one place the speaker's state is told: the loop's end, else its session's phase (a mute shows over a quiet session).</summary>
    public SpeakerState State =>
        _loop.Stopped ? (_loop.Failure is null ? SpeakerState.Stopped : SpeakerState.Error)
        : _loop.Session.Status.Phase switch
        {
            SpeakerSessionPhase.Failing => SpeakerState.Error,
            SpeakerSessionPhase.WaitingForCapacity => SpeakerState.WaitingForCapacity,
            _ when _loop.Muted => SpeakerState.Muted,
            SpeakerSessionPhase.Open => SpeakerState.Streaming,
            SpeakerSessionPhase.Connecting => SpeakerState.Starting,
            _ => SpeakerState.Idle,
        };

    /// <summary>No generation is taking audio: the speaker paused (or never spoke), so stopping now cuts no utterance.</summary>
    public bool AtGenerationBoundary => _loop.Segmenter.Phase != SegmenterPhase.Taking;

    /// <summary>
    /// From now on no new generation opens: the running one ends at the speaker's next pause, and then
    /// <see cref="AtGenerationBoundary"/> stays true, so a stream can be stopped without cutting an utterance.
    /// </summary>
    public void EndAtNextPause() => _loop.Segmenter.EndAtNextPause();

    public string? Error => _loop.Failure ?? _loop.Session.Error;

    public string? EndpointName => _loop.Session.EndpointName;

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
        if (_ending || _run.IsCompleted)
        {
            await _run.ConfigureAwait(false);
            return;
        }

        _ending = true;
        await FlushChunkAsync(cancellationToken).ConfigureAwait(false);
        await EnqueueAsync(StreamEnded.Instance, cancellationToken).ConfigureAwait(false);
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

        _metrics.Backpressure.Add(1);
        await _input.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _input.Writer.TryComplete(); // a writer still waiting for room gives up instead of waiting forever
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _loop.DisposeAsync().ConfigureAwait(false);
        _chunker.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: audio buffer full ({MaxBufferedMs} ms); the speech endpoint is slower than real time, ingest now waits")]
    private partial void LogBackpressure(string room, string identity, int maxBufferedMs);
}
