namespace Scribe.Rooms;

/// <summary>Where a room stands; persisted in <see cref="RoomRecord.Phase"/>, changed only by <see cref="RoomLifecycle.Apply"/>.</summary>
public enum RoomPhase
{
    /// <summary>Nothing is known of the room: it never started, or it was erased.</summary>
    Unknown = 0,

    /// <summary>The room runs: its speakers are streamed and transcribed (as its transcription status says).</summary>
    Active = 1,

    /// <summary>LiveKit finished the room; its streams deliver their last segments, and the transcript is not complete yet.</summary>
    Finished = 2,

    /// <summary>Finished, and the transcript complete and stored: <c>transcript.ready</c> is queued for the backend.</summary>
    Ready = 3,
}
