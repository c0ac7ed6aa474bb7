namespace Scribe.Rooms;

/// <summary>What happened to a room; <see cref="RoomLifecycle.Apply"/> decides what follows.</summary>
public abstract record RoomEvent
{
    private RoomEvent()
    {
    }

    /// <summary>room_started, or anything that shows the room runs (a participant, a track, a stream asking for its clock).</summary>
    public sealed record Started(DateTimeOffset At) : RoomEvent;

    /// <summary>room_finished (or the reconciler found the room gone at LiveKit).</summary>
    public sealed record Finished(DateTimeOffset At) : RoomEvent;

    /// <summary>
    /// A finished room looks at its transcript: <paramref name="StreamsEnded"/>, every speaker's stream has ended with
    /// its segments delivered; <paramref name="OpenInterims"/>, some segment is still interim. Sent after a flush, so
    /// what the room holds is stored.
    /// </summary>
    public sealed record Settling(DateTimeOffset At, bool StreamsEnded, bool OpenInterims) : RoomEvent;

    /// <summary><c>transcript.ready</c> for the current finish went to the backend's outbox.</summary>
    public sealed record ReadyAnnounced : RoomEvent;
}
