namespace Scribe.Realtime;

/// <summary>Where a speaker's realtime session stands; the speaker's shown state is read from it.</summary>
internal enum SpeakerSessionPhase
{
    /// <summary>No session: none was needed yet, or a silent speaker's was given back.</summary>
    Closed = 0,

    /// <summary>Every endpoint is full (no generation slot, or no socket under a socket cap): the speaker waits.</summary>
    WaitingForCapacity = 1,

    /// <summary>A session is being opened, or re-opened after a failed attempt (in back-off between attempts).</summary>
    Connecting = 2,

    Open = 3,

    /// <summary>Opening keeps failing, or the endpoint refuses our configuration; ended by the next session that opens.</summary>
    Failing = 4,
}
