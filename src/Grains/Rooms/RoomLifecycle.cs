using static Scribe.Rooms.RoomEvent;

namespace Scribe.Rooms;

/// <summary>
/// The transitions of a room, as pure logic: one method takes an event, changes the record's phase, and says what
/// the grain must do. Unknown → Active (started) → Finished (room_finished) → Ready (the transcript is complete and
/// announced); a finished room that starts again is Active once more, with its clock and transcript kept.
/// </summary>
/// <param name="vanishedStreamWait">
/// How long after the finish a room waits for a stream that did not end cleanly (its silo died, or it cannot be
/// asked): a stopped stream has its final timeout for the last text, and as long again covers the delivery.
/// </param>
public sealed class RoomLifecycle(TimeSpan vanishedStreamWait)
{
    public RoomDecision Apply(RoomRecord room, RoomEvent happened) => happened switch
    {
        Started e when room.Phase != RoomPhase.Active => Start(room, e.At),
        Finished e when room.Phase == RoomPhase.Active => Finish(room, e.At),

        // A room that never ran has no session to end, only a transcription someone asked for ahead of it.
        Finished when room.Phase == RoomPhase.Unknown => new(room.Transcription is not null, Ended: true),
        Settling e when room.Phase == RoomPhase.Finished => Settle(room, e),
        ReadyAnnounced when room.Phase == RoomPhase.Finished => Ready(room),
        _ => RoomDecision.Nothing,
    };

    /// <summary>What callers are shown: a room is active or finished, however far its finish has got.</summary>
    public static RoomState StateOf(RoomPhase phase) => phase is RoomPhase.Finished or RoomPhase.Ready ? RoomState.Finished : RoomState.Active;

    /// <summary>Whether the room has finished (and may be expired or erased).</summary>
    public static bool HasFinished(RoomPhase phase) => phase is RoomPhase.Finished or RoomPhase.Ready;

    private static RoomDecision Start(RoomRecord room, DateTimeOffset at)
    {
        room.ClockOrigin ??= at;
        room.Phase = RoomPhase.Active;
        room.FinishedAt = null;
        return new(true, Began: true);
    }

    private static RoomDecision Finish(RoomRecord room, DateTimeOffset at)
    {
        room.Phase = RoomPhase.Finished;
        room.FinishedAt = at;
        return new(true, Ended: true);
    }

    /// <summary>
    /// Ready as soon as every stream has ended and nothing is interim. Otherwise a stream vanished (or is slow): after
    /// the wait, what is still interim can only come from a stream that is gone, so it is closed with its words.
    /// </summary>
    private RoomDecision Settle(RoomRecord room, Settling e)
    {
        if (e.StreamsEnded && !e.OpenInterims)
        {
            return new(false, AnnounceReady: true);
        }

        return e.At - room.FinishedAt >= vanishedStreamWait ? new(false, CloseInterims: e.OpenInterims, AnnounceReady: true) : RoomDecision.Nothing;
    }

    private static RoomDecision Ready(RoomRecord room)
    {
        room.Phase = RoomPhase.Ready;
        return new(true);
    }
}
