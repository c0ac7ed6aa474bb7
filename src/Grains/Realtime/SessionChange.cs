namespace Scribe.Realtime;

/// <summary>What happened to a speaker's session; <see cref="SessionStatus.Apply"/> says where that leaves it.</summary>
internal abstract record SessionChange
{
    private SessionChange()
    {
    }

    /// <summary>No generation slot or no socket anywhere: the speaker starts (or goes on) waiting.</summary>
    public sealed record CapacityFull : SessionChange;

    /// <summary>The speaker got its generation slot; <paramref name="SocketOpen"/>: it kept its session for it.</summary>
    public sealed record Admitted(bool SocketOpen) : SessionChange;

    /// <summary>An endpoint took the socket: the handshake starts.</summary>
    public sealed record Connecting : SessionChange;

    /// <summary>Attempt <paramref name="Attempt"/> to open a session failed; the keeper backs off and tries again.</summary>
    public sealed record ConnectFailed(string Error, int Attempt) : SessionChange;

    /// <summary>A session opened and the unfinished generation (if any) was replayed on it.</summary>
    public sealed record Opened : SessionChange;

    /// <summary>The session was closed on purpose (idle release, an endpoint left, the generation moved) or ended between generations.</summary>
    public sealed record Closed : SessionChange;

    /// <summary>The endpoint refused our configuration: every generation will fail the same way.</summary>
    public sealed record Faulted(string Error) : SessionChange;
}
