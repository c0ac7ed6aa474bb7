namespace Scribe.Fakes.LiveKit;

/// <summary>
/// How the fake egress streams one track: when it is muted, how it cuts frames, and which faults it
/// injects. Frame numbers count binary frames in the order they would be sent without faults, from 0.
/// </summary>
public sealed record EgressAudioScript
{
    /// <summary>Muted stretches of the track: no audio is sent between the mute and unmute text frames.</summary>
    public IReadOnlyList<MuteSpan> Mutes { get; init; } = [];

    /// <summary>Smallest and largest binary frame; sizes are random and never a whole number of stereo samples.</summary>
    public int MinFrameBytes { get; init; } = 101;

    public int MaxFrameBytes { get; init; } = 7_681;

    public IReadOnlySet<int> DropFrames { get; init; } = new HashSet<int>();

    public IReadOnlySet<int> DuplicateFrames { get; init; } = new HashSet<int>();

    public IReadOnlyList<FrameSwap> SwapFrames { get; init; } = [];

    /// <summary>LiveKit's egress pings every 30 s; tests may want pings sooner.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Keep the socket open after the last frame until StopEgress (a track still published but silent).</summary>
    public bool StayOpenAfterAudio { get; init; }

    /// <summary>
    /// A live track: its audio plays on from the moment it is published, whether an egress listens or not, and an
    /// egress streams from wherever the track is when the egress connects. LiveKit's egress subscribes to the live
    /// track, so a restarted egress misses what was said meanwhile rather than replaying the track from its start.
    /// </summary>
    public bool Live { get; init; }

    public static EgressAudioScript Default { get; } = new();
}

/// <summary>A muted stretch of a track, in media time from the start of its audio.</summary>
public sealed record MuteSpan(TimeSpan Start, TimeSpan End);

/// <summary>Sends frame <see cref="Frame"/> and frame <see cref="Frame"/> + <see cref="Distance"/> in each other's place.</summary>
public sealed record FrameSwap(int Frame, int Distance);
