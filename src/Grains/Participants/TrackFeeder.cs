using System.Threading.Channels;
using Scribe.Agent;

namespace Scribe.Participants;

/// <summary>
/// Pumps one subscribed track's 16 kHz PCM into the speaker's stream on this silo (the agent path's counterpart of
/// the ingest socket): frames in order, gaps as silence (<see cref="PcmClock"/>), mute and unmute between frames.
/// While no frame comes it writes silence as time passes, for up to <see cref="IdleFillLimit"/>: enough for the voice
/// detector to close the utterance under way; a longer silence costs nothing until the next frame's offset fills it.
/// </summary>
public sealed class TrackFeeder : IDisposable
{
    /// <summary>
    /// How long a wait for frames lasts before silence is written for it: long enough that a stall of the media side
    /// in the middle of a word is not mistaken for a pause (silence written cannot be taken back), short enough that
    /// the utterance before a silence is final within a second or two.
    /// </summary>
    public static readonly TimeSpan IdleTick = TimeSpan.FromSeconds(1);

    /// <summary>How much silence is written while no frame comes, before the feeder just waits.</summary>
    public static readonly TimeSpan IdleFillLimit = TimeSpan.FromSeconds(3);

    private static readonly ReadOnlyMemory<short> SilenceBlock = new short[1_600];
    private readonly TimeProvider _time;
    private TimeSpan _idleFilled;

    private readonly ChannelReader<PcmFrame> _frames;
    private readonly PcmClock _clock = new();
    private readonly Channel<bool> _mutes = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _ended = new();
    private readonly Lock _life = new();
    private bool _disposed;

    // A wait on the frames outlives a loop that a mute woke: one waiter at a time on a channel we do not own.
    private Task<bool>? _framesReady;

    public TrackFeeder(ChannelReader<PcmFrame> frames, bool muted, TimeProvider? time = null)
    {
        _frames = frames;
        _time = time ?? TimeProvider.System;
        if (muted)
        {
            _mutes.Writer.TryWrite(true);
        }
    }

    /// <summary>Samples written so far, silence included: the stream's media clock.</summary>
    public long Written => _clock.Written;

    public void SetMuted(bool muted) => _mutes.Writer.TryWrite(muted);

    /// <summary>The track ended: stop after the frames already received (the media side completes the frames too).</summary>
    public void End()
    {
        lock (_life)
        {
            if (!_disposed)
            {
                _ended.Cancel();
            }
        }
    }

    public void Dispose()
    {
        lock (_life)
        {
            _disposed = true;
            _ended.Dispose();
        }
    }

    /// <summary>Feeds until the track ends or the stream stops; the caller completes and returns the stream after it.</summary>
    public async Task RunAsync(SpeakerStream stream, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stream.Stopping, _ended.Token);
        try
        {
            while (await WaitAsync(stream, stopping.Token).ConfigureAwait(false))
            {
                while (_mutes.Reader.TryRead(out var muted))
                {
                    await stream.SetMutedAsync(muted, stopping.Token).ConfigureAwait(false);
                }

                while (_frames.TryRead(out var frame))
                {
                    _idleFilled = TimeSpan.Zero;
                    await WriteAsync(stream, frame, stopping.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopped by the grain, the track's end or the silo: the caller completes the stream with what it has
        }

        // What arrived before the end is delivered too.
        while (!stream.Stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested && _frames.TryRead(out var rest))
        {
            await WriteAsync(stream, rest, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> WaitAsync(SpeakerStream stream, CancellationToken cancellationToken)
    {
        if (_mutes.Reader.TryPeek(out _))
        {
            return true;
        }

        if (_framesReady is null)
        {
            var frames = _frames.WaitToReadAsync(cancellationToken);
            if (frames.IsCompleted)
            {
                return await frames.ConfigureAwait(false);
            }

            _framesReady = frames.AsTask();
        }

        // The waits on mutes and on time end with this one, so nothing piles up on the stream's token.
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var mutes = _mutes.Reader.WaitToReadAsync(waiting.Token).AsTask();
        var idle = _idleFilled < IdleFillLimit ? Task.Delay(IdleTick, _time, waiting.Token) : null;
        var first = await Task.WhenAny(idle is null ? [_framesReady, mutes] : [_framesReady, mutes, idle]).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == mutes)
        {
            return true;
        }

        if (first == idle)
        {
            // Nothing came for a tick: the speaker is silent (DTX) and time passes for the stream too.
            var samples = (long)IdleTick.TotalMilliseconds * 16;
            _idleFilled += IdleTick;
            _clock.FillIdle(samples);
            await WriteSilenceAsync(stream, samples, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var ready = await _framesReady.ConfigureAwait(false);
        _framesReady = null;
        return ready;
    }

    private async ValueTask WriteAsync(SpeakerStream stream, PcmFrame frame, CancellationToken cancellationToken)
    {
        var (silence, skip) = _clock.Place(frame.SampleOffset, frame.Samples.Length);
        await WriteSilenceAsync(stream, silence, cancellationToken).ConfigureAwait(false);
        if (skip < frame.Samples.Length)
        {
            await stream.WriteAudioAsync(frame.Samples[skip..], cancellationToken).ConfigureAwait(false);
        }
    }

    private static async ValueTask WriteSilenceAsync(SpeakerStream stream, long samples, CancellationToken cancellationToken)
    {
        while (samples > 0)
        {
            var block = (int)Math.Min(samples, SilenceBlock.Length);
            await stream.WriteAudioAsync(SilenceBlock[..block], cancellationToken).ConfigureAwait(false);
            samples -= block;
        }
    }
}
