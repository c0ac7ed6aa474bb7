using System.Threading.Channels;

namespace Scribe.Media;

/// <summary>
/// A speaker's microphone the media process subscribed to. Its PCM arrives on <see cref="Frames"/> until the
/// track ends; a reader that falls behind by more than <see cref="Buffered"/> frames loses the oldest ones
/// (<see cref="DroppedFrames"/>), never the newest.
/// </summary>
public sealed class AgentTrack
{
    /// <summary>Fifty seconds of the media process's 100 ms frames (ten of 20 ms ones).</summary>
    public const int Buffered = 500;

    private readonly Channel<PcmFrame> _frames;
    private long _dropped;

    internal AgentTrack(AgentRoom room, TrackMessage track)
    {
        Room = room;
        Handle = track.Handle;
        Identity = track.Identity;
        ParticipantSid = track.ParticipantSid;
        Name = track.Name;
        Kind = track.Kind;
        TrackSid = track.TrackSid;
        Muted = track.Muted;
        _frames = Channel.CreateBounded<PcmFrame>(
            new BoundedChannelOptions(Buffered) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public AgentRoom Room { get; }
    public uint Handle { get; }
    public string Identity { get; }
    public string ParticipantSid { get; }
    public string Name { get; }
    public string Kind { get; }
    public string TrackSid { get; }
    public bool Muted { get; internal set; }

    public ChannelReader<PcmFrame> Frames => _frames.Reader;

    public long DroppedFrames => Interlocked.Read(ref _dropped);

    internal void Write(PcmFrame frame) => _frames.Writer.TryWrite(frame);

    internal void End() => _frames.Writer.TryComplete();

    public override string ToString() => $"{Room.Name}/{Identity}/{TrackSid} (handle {Handle})";
}
