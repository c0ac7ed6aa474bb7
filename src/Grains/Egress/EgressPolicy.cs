namespace Scribe.Egress;

/// <summary>The restart budget and backoff of a speaker's egress.</summary>
/// <param name="RestartAttempts">Restarts after an egress died under a published track before the speaker gives up.</param>
/// <param name="FirstRestartDelay">The first restart's wait; each further one doubles, up to <see cref="MaxRestartDelay"/>.</param>
public sealed record EgressPolicy(int RestartAttempts, TimeSpan FirstRestartDelay)
{
    public static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    /// <summary>A stream that ran this long was healthy: the restart budget starts over.</summary>
    public static readonly TimeSpan HealthyStream = TimeSpan.FromSeconds(30);

    public const int EndedTracksKept = 16;

    public TimeSpan RestartDelay(int restart)
    {
        var ms = FirstRestartDelay.TotalMilliseconds * Math.Pow(2, Math.Min(restart - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxRestartDelay.TotalMilliseconds));
    }
}
