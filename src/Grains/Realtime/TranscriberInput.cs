namespace Scribe.Realtime;

/// <summary>
/// What a transcriber's loop acts on, all from its one channel: from the ingest side audio
/// (<see cref="Audio.AudioChunk"/>, itself an input, so a chunk costs no wrapper on the way), mute changes and the
/// end of the stream; from its session, events; from its timers, the moments they came due.
/// </summary>
public abstract record TranscriberInput;

/// <summary>The track was muted or unmuted.</summary>
public sealed record MuteChanged(bool Muted) : TranscriberInput;

/// <summary>The stream has ended: the loop finishes what is open, publishes it, and stops.</summary>
public sealed record StreamEnded : TranscriberInput
{
    public static StreamEnded Instance { get; } = new();
}

/// <summary>An event read from a session, or (<see cref="Event"/> null) the end of that session.</summary>
internal sealed record SessionEvent(IRealtimeSession Session, RealtimeServerEvent? Event, Exception? Failure) : TranscriberInput;

/// <summary>The final time-out may have passed: no <c>transcription.done</c> since the final commit.</summary>
internal sealed record FinalTimeoutDue : TranscriberInput
{
    public static FinalTimeoutDue Instance { get; } = new();
}

/// <summary>A muted speaker's idle time may have passed: its unused session can be given back.</summary>
internal sealed record IdleReleaseDue : TranscriberInput
{
    public static IdleReleaseDue Instance { get; } = new();
}
