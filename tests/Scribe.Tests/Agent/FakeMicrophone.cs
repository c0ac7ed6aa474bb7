using System.Diagnostics;
using System.Threading.Channels;
using Scribe.Agent;

namespace Scribe.Tests.Agent;

/// <summary>
/// A published microphone of a <see cref="FakeAgentRoom"/>: while subscribed it plays its PCM from the start of its
/// audio (a resubscription goes on from where the audio is now), paced, frames of pure silence left out but the
/// first seconds of each silence marked, as the media process does.
/// </summary>
public sealed class FakeMicrophone(AgentParticipant participant, string trackSid, short[] pcm)
{
    /// <summary>How much of each silence the media process marks (its <c>SILENCE_MARK_MS</c>): 3 s.</summary>
    private const int SilenceMarkSamples = 48_000;

    private readonly Lock _gate = new();
    private Channel<PcmFrame>? _frames;
    private CancellationTokenSource? _playing;
    private int _position;

    public AgentParticipant Participant { get; } = participant;

    public string TrackSid { get; } = trackSid;

    public bool Muted { get; set; }

    /// <summary>
    /// Where the feed stalls once and for how long (a busy media process or channel): the frames due meanwhile come
    /// in a burst after it, offsets unchanged.
    /// </summary>
    public (int AtSample, TimeSpan For)? Stall { get; init; }

    /// <summary>Frames to send as they are instead of the PCM (offsets and all): a broken or hostile track.</summary>
    public IReadOnlyList<PcmFrame>? Raw { get; init; }

    public int? Handle { get; private set; }

    /// <summary>Samples played so far (over all subscriptions).</summary>
    public int Position => Volatile.Read(ref _position);

    /// <returns>The frames of the new subscription; null if it is subscribed already.</returns>
    public ChannelReader<PcmFrame>? Open(int handle)
    {
        lock (_gate)
        {
            if (Handle is not null)
            {
                return null;
            }

            Handle = handle;
            _frames = Channel.CreateUnbounded<PcmFrame>(new UnboundedChannelOptions { SingleWriter = true });
            _playing = new CancellationTokenSource();
            return _frames.Reader;
        }
    }

    /// <returns>The handle of the subscription it ended, if one was open.</returns>
    public int? Close()
    {
        lock (_gate)
        {
            var handle = Handle;
            _frames?.Writer.TryComplete();
            _playing?.Cancel();
            (_frames, _playing, Handle) = (null, null, null);
            return handle;
        }
    }

    public async Task PlayAsync(double pace)
    {
        Channel<PcmFrame> frames;
        CancellationToken stop;
        lock (_gate)
        {
            frames = _frames!;
            stop = _playing!.Token;
        }

        if (Raw is { } raw)
        {
            foreach (var frame in raw)
            {
                frames.Writer.TryWrite(frame);
            }

            return;
        }

        var start = _position;
        var silentFor = 0;
        var stalled = false;
        var clock = Stopwatch.StartNew();
        try
        {
            while (_position + FakeAgentRoom.FrameSamples <= pcm.Length && !stop.IsCancellationRequested)
            {
                var due = start + (long)(clock.Elapsed.TotalMilliseconds * pace * 16);
                while (_position + FakeAgentRoom.FrameSamples <= pcm.Length && _position <= due)
                {
                    var frame = pcm.AsMemory(_position, FakeAgentRoom.FrameSamples);
                    // Offsets count from this subscription's first sample, as the media process's do; silence is
                    // left out but its first seconds are marked with empty frames, as the media process marks them.
                    var offset = _position - start;
                    if (Muted)
                    {
                        silentFor = 0;
                    }
                    else if (frame.Span.ContainsAnyExcept((short)0))
                    {
                        silentFor = 0;
                        frames.Writer.TryWrite(new PcmFrame(offset, frame));
                    }
                    else if ((silentFor += frame.Length) <= SilenceMarkSamples)
                    {
                        frames.Writer.TryWrite(new PcmFrame(offset + frame.Length, ReadOnlyMemory<short>.Empty));
                    }

                    Interlocked.Add(ref _position, FakeAgentRoom.FrameSamples);
                }

                if (Stall is { } stall && _position >= stall.AtSample && !stalled)
                {
                    stalled = true;
                    await Task.Delay(stall.For, stop);
                }

                await Task.Delay(10, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
