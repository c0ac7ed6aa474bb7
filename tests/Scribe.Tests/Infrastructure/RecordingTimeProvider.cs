using System.Collections.Concurrent;

namespace Scribe.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also records the due time of every timer created on it (a
/// <c>Task.Delay(…, time)</c> is one), so a test can wait until code under test is waiting on the clock, and see
/// for how long, before it advances time: no sleep to let the timer be set.
/// </summary>
public sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();

    /// <summary>The due times of the timers created so far, oldest first.</summary>
    public IReadOnlyList<TimeSpan> DueTimes => [.. _dueTimes];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _dueTimes.Enqueue(dueTime);
        return timer;
    }
}
