using static Scribe.Realtime.SessionChange;

namespace Scribe.Realtime;

/// <summary>
/// A speaker's session phase and the last error, changed only by <see cref="Apply"/>: one pure transition per
/// <see cref="SessionChange"/>, so the shown state cannot be left behind by a path that forgot a flag.
/// </summary>
internal sealed record SessionStatus(SpeakerSessionPhase Phase, string? Error = null)
{
    /// <summary>Attempts that may fail before the speaker shows an error (it keeps trying).</summary>
    public const int AttemptsBeforeFailing = 5;

    public static SessionStatus Initial { get; } = new(SpeakerSessionPhase.Closed);

    public SessionStatus Apply(SessionChange change) => change switch
    {
        // A failing speaker keeps showing why until a session opens; waiting or closing does not hide it.
        _ when Phase == SpeakerSessionPhase.Failing && change is not (Opened or ConnectFailed) => this,
        CapacityFull => this with { Phase = SpeakerSessionPhase.WaitingForCapacity },
        Admitted a when Phase == SpeakerSessionPhase.WaitingForCapacity => this with { Phase = a.SocketOpen ? SpeakerSessionPhase.Open : SpeakerSessionPhase.Closed },
        Admitted => this,
        Connecting => this with { Phase = SpeakerSessionPhase.Connecting },
        ConnectFailed f => new(f.Attempt >= AttemptsBeforeFailing || Phase == SpeakerSessionPhase.Failing ? SpeakerSessionPhase.Failing : SpeakerSessionPhase.Connecting, f.Error),
        Opened => new(SpeakerSessionPhase.Open),
        Closed => this with { Phase = SpeakerSessionPhase.Closed },
        Faulted f => new(SpeakerSessionPhase.Failing, f.Error),
        _ => this,
    };
}
