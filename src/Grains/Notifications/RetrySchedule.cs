namespace Scribe.Notifications;

/// <summary>When a failed delivery is tried again: <see cref="First"/> after the first failure, doubling after each
/// later one, until the event is <see cref="GiveUpAfter"/> old.</summary>
public sealed record RetrySchedule(TimeSpan First, TimeSpan GiveUpAfter)
{
    // Beyond this a doubling would overflow and means "a day" anyway.
    private const int MaxDoublings = 30;

    /// <param name="failures">Failed attempts so far, this one included (1 after the first failure).</param>
    /// <returns>The next attempt's time, or null to give up.</returns>
    public DateTimeOffset? NextAttempt(int failures, DateTimeOffset createdAt, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var delay = TimeSpan.FromTicks(First.Ticks * (1L << Math.Min(failures - 1, MaxDoublings)));
        var next = now + (delay > GiveUpAfter ? GiveUpAfter : delay);
        return next - createdAt > GiveUpAfter ? null : next;
    }
}
