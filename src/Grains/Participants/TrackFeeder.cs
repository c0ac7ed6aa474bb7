using System.Threading.Channels;
using Scribe.Agent;

namespace Scribe.Participants;

/// <summary>
/// Pumps one subscribed track's 16 kHz PCM into the speaker's stream on this silo (the agent path's counterpart of
/// the ingest socket): frames in order, gaps as silence (<see cref="PcmClock"/>), mute and unmute between frames.
/// Silence is known only from the media side's offsets (its empty frames mark the first seconds of each pause), never
/// from this silo's clock: a stall of the feed in the middle of a word must not be heard as a pause, since silence
/// written cannot be taken back.
/// </summary>
public sealed class TrackFeeder : IDisposable
{
    private static readonly ReadOnlyMemory<short> SilenceBlock = new short[1_600];

    private readonly ChannelReader<PcmFrame> _frames;
    private readonly PcmClock _clock = new();
    private readonly Channel<bool> _mutes = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = false });
    private readonly CancellationTokenSource _ended = new();
    private readonly Lock _life = new();
    private bool _disposed;

    // A wait on the frames outlives a loop that a mute woke: one waiter at a time on a channel we do not own.
    private Task<bool>? _framesReady;

    public TrackFeeder(ChannelReader<PcmFrame> frames, bool muted)
    {
        _frames = frames;
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
            while (await WaitAsync(stopping.Token).ConfigureAwait(false))
            {
                while (_mutes.Reader.TryRead(out var muted))
                {
                    await stream.SetMutedAsync(muted, stopping.Token).ConfigureAwait(false);
                }

                while (_frames.TryRead(out var frame))
                {
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

    private async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
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

        // The wait on mutes ends with this one, so nothing piles up on the stream's token.
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var mutes = _mutes.Reader.WaitToReadAsync(waiting.Token).AsTask();
        var first = await Task.WhenAny(_framesReady, mutes).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (first == mutes)
        {
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
