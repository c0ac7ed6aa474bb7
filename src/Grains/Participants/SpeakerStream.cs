using System.Diagnostics;
using Scribe.Audio;
using Scribe.Realtime;

namespace Scribe.Participants;

/// <summary>
/// One egress connection's worth of a speaker's audio on this silo: egress frames in, transcript segments out.
/// Built by <see cref="SpeakerPipelineFactory"/>, owned by <see cref="SpeakerStreamRegistry"/> (the only place that disposes
/// it), fed through a <see cref="SpeakerFeed"/>.
/// </summary>
public sealed class SpeakerStream : IUsageSource, IAsyncDisposable
{
    /// <summary>How long a speaker may talk on, once its stream is to end at a pause (transcription off, a silo stopping), before it is cut mid-utterance.</summary>
    public static readonly TimeSpan PauseWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan PausePoll = TimeSpan.FromMilliseconds(20);

    private readonly EgressAudioConverter _converter = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SpeakerTranscriber _transcriber;
    private readonly SegmentPublisher _publisher;
    private readonly IAsyncDisposable? _broadcaster;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _life = new();
    private short[] _converted = new short[4096];

    // The registry's own hold, plus the feeder's; disposal when the last is let go. Guarded by _life.
    private int _holds = 1;
    private bool _released;
    private bool _fed;

    /// <param name="broadcaster">Also fed by the transcriber (the room's data channel); disposed with the stream.</param>
    public SpeakerStream(SpeakerContext speaker, SpeakerTranscriber transcriber, SegmentPublisher publisher, IAsyncDisposable? broadcaster = null)
    {
        _broadcaster = broadcaster;
        Speaker = speaker;
        _transcriber = transcriber;
        _publisher = publisher;
    }

    public SpeakerContext Speaker { get; }

    public SpeakerState State => _transcriber.State;

    public string? EndpointName => _transcriber.EndpointName;

    public string? Error => _transcriber.Error;

    public SpeakerUsage Usage => _transcriber.Usage;

    public bool HasEnded => _ended.Task.IsCompleted;

    /// <summary>Cancelled when the stream is stopped (track unpublished, participant left, room finished, transcription off).</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Completes when the stream has ended here, its last segments delivered or given up on.</summary>
    public Task Ended => _ended.Task;

    /// <summary>Converts one egress frame (48 kHz stereo s16le, any size) and passes it on.</summary>
    public ValueTask WriteEgressAudioAsync(ReadOnlySpan<byte> frame, CancellationToken cancellationToken)
    {
        var needed = EgressAudioConverter.MaxOutputSamples(frame.Length);
        if (_converted.Length < needed)
        {
            _converted = new short[needed];
        }

        var count = _converter.Convert(frame, _converted);
        return count == 0 ? ValueTask.CompletedTask : _transcriber.WriteAsync(_converted.AsMemory(0, count), cancellationToken);
    }

    /// <summary>Passes 16 kHz mono samples on as they are (the agent path: the media process resampled them).</summary>
    public ValueTask WriteAudioAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken) =>
        samples.IsEmpty ? ValueTask.CompletedTask : _transcriber.WriteAsync(samples, cancellationToken);

    public ValueTask SetMutedAsync(bool muted, CancellationToken cancellationToken) => _transcriber.SetMutedAsync(muted, cancellationToken);

    /// <summary>
    /// Lets the speaker finish the utterance under way and opens no other: returns once the last generation is
    /// closed (or the stream ended), or after <paramref name="limit"/> if the speaker talks on.
    /// </summary>
    /// <returns>Whether the stream reached a pause in time.</returns>
    public async Task<bool> EndAtNextPauseAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        _transcriber.EndAtNextPause();
        var waiting = Stopwatch.StartNew();
        while (!_transcriber.AtGenerationBoundary && !HasEnded)
        {
            if (waiting.Elapsed >= limit)
            {
                return false;
            }

            await Task.Delay(PausePoll, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The egress ended: finish the last generation and deliver every segment to the room.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _transcriber.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await _publisher.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    /// <summary>Takes the one feeder's hold; false once fed or stopped.</summary>
    internal bool TryHoldForFeeding()
    {
        lock (_life)
        {
            if (_fed || _released)
            {
                return false;
            }

            _fed = true;
            _holds++;
            return true;
        }
    }

    /// <summary>Cancels <see cref="Stopping"/> and lets go of the registry's hold; a second call does nothing.</summary>
    /// <returns>Whether that was the last hold (the caller disposes).</returns>
    internal bool StopAndRelease()
    {
        lock (_life)
        {
            if (_released)
            {
                return false;
            }

            _released = true;
        }

        // Outside the lock: cancellation runs the feeder's callbacks. The registry's hold, let go only below,
        // keeps the stream undisposed meanwhile.
        _stop.Cancel();
        return LetGo();
    }

    /// <returns>Whether that was the last hold (the caller disposes).</returns>
    internal bool LetGo()
    {
        lock (_life)
        {
            return --_holds == 0;
        }
    }

    /// <summary>Called by <see cref="SpeakerStreamRegistry"/> only, once no one holds the stream.</summary>
    public async ValueTask DisposeAsync()
    {
        _ended.TrySetResult();
        await _transcriber.DisposeAsync().ConfigureAwait(false);
        await _publisher.DisposeAsync().ConfigureAwait(false);
        if (_broadcaster is not null)
        {
            await _broadcaster.DisposeAsync().ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}
