namespace Scribe.Egress;

/// <summary>What the speaker's stream on this silo must do after an egress transition.</summary>
public enum StreamAction
{
    Keep = 0,

    /// <summary>Stop it now (it delivers what it has).</summary>
    Stop = 1,

    /// <summary>Let it end at the speaker's next pause, its last utterance whole, then stop it.</summary>
    EndAtPause = 2,
}

/// <summary>Why a transition happened, for the grain's log and metrics.</summary>
public enum EgressOutcome
{
    None = 0,

    /// <summary>An event of an older track, session, stream or egress: nothing changed.</summary>
    Stale = 1,
    Restarting = 2,
    GaveUp = 3,
    Started = 4,
    TrackGone = 5,

    /// <summary>The egress dialled another silo (or fed a stream that died with an activation): a fresh one is owed.</summary>
    Moved = 6,
}

/// <summary>
/// The grain's orders after one transition: persist the record, act on the stream, and run the egress work after
/// <see cref="EgressWorkIn"/> (null: no LiveKit call is owed).
/// </summary>
public sealed record EgressDecision(
    bool Persist, StreamAction Stream = StreamAction.Keep, TimeSpan? EgressWorkIn = null, EgressOutcome Outcome = EgressOutcome.None, string? Reason = null)
{
    public static EgressDecision Nothing { get; } = new(false);

    public static EgressDecision Ignored { get; } = new(false, Outcome: EgressOutcome.Stale);
}
