namespace Scribe.Egress;

/// <summary>Where a speaker's egress stands; persisted, and the one thing the user-facing status is read from.</summary>
public enum EgressPhase
{
    /// <summary>No published microphone track is known.</summary>
    None = 0,

    /// <summary>A track is published but the room is not being transcribed: no egress, no stream.</summary>
    Paused = 1,

    /// <summary>An egress is owed: the egress work starts one (not before <see cref="EgressRecord.NotBefore"/>).</summary>
    Starting = 2,

    /// <summary>LiveKit started <see cref="EgressRecord.EgressId"/>; its socket has not attached yet.</summary>
    Running = 3,

    /// <summary>The egress's socket feeds the stream of <see cref="EgressRecord.Epoch"/> on this silo.</summary>
    Attached = 4,

    /// <summary>The egress finished on its own terms (the track is ending); a resume starts another in case its track_unpublished was lost.</summary>
    Completed = 5,

    /// <summary>The restart budget is spent: the speaker shows <see cref="EgressRecord.Error"/> until its track changes.</summary>
    GivenUp = 6,
}
