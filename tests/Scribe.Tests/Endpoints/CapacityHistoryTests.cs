namespace Scribe.Tests.Endpoints;

/// <summary>The 15-minute record of generation slots in use and speakers waiting that the dashboard plots.</summary>
public sealed class CapacityHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_period_keeps_its_highest_figures_so_a_short_peak_is_seen()
    {
        var history = new CapacityHistory();
        history.Record(Start, Running(("gpu-1", 1)), waiting: 0);
        history.Record(Start.AddSeconds(3), Running(("gpu-1", 2), ("gpu-2", 1)), waiting: 3);
        history.Record(Start.AddSeconds(6), Running(("gpu-1", 0)), waiting: 0);

        var sample = Assert.Single(history.Read(Start.AddSeconds(9)));
        Assert.Equal(Start, sample.At);
        Assert.Equal(2, sample.Running["gpu-1"]);
        Assert.Equal(1, sample.Running["gpu-2"]);
        Assert.Equal(3, sample.Waiting);
    }

    [Fact]
    public void Quiet_periods_repeat_the_last_figures_and_the_window_is_fifteen_minutes()
    {
        var history = new CapacityHistory();
        history.Record(Start, Running(("gpu-1", 1)), waiting: 2);
        history.Record(Start.AddSeconds(30), Running(("gpu-1", 3)), waiting: 0);

        var samples = history.Read(Start.AddSeconds(50));
        Assert.Equal([1, 1, 1, 3, 3, 3], samples.Select(s => s.Running["gpu-1"]));
        Assert.Equal([2, 2, 2, 0, 0, 0], samples.Select(s => s.Waiting));
        Assert.Equal(TimeSpan.FromSeconds(10), samples[1].At - samples[0].At);

        var later = history.Read(Start.AddMinutes(40));
        Assert.Equal((int)(CapacityHistory.Window / CapacityHistory.Period), later.Count);
        Assert.All(later, s => Assert.Equal(3, s.Running["gpu-1"])); // what held when the window opened
        Assert.Equal(Start.AddMinutes(40) - CapacityHistory.Window + CapacityHistory.Period, later[0].At);
    }

    [Fact]
    public void Nothing_is_reported_before_the_first_record_and_old_periods_are_dropped()
    {
        var history = new CapacityHistory();
        Assert.Empty(history.Read(Start));

        history.Record(Start, Running(("gpu-1", 5)), waiting: 0);
        history.Record(Start.AddMinutes(20), Running(("gpu-1", 1)), waiting: 0);
        Assert.All(history.Read(Start.AddMinutes(20)), s => Assert.Equal(1, s.Running["gpu-1"]));
    }

    private static Dictionary<string, int> Running(params (string Endpoint, int Count)[] counts) =>
        counts.ToDictionary(c => c.Endpoint, c => c.Count, StringComparer.Ordinal);

    [Fact]
    public void The_admission_wait_p99_covers_the_window()
    {
        var history = new CapacityHistory();
        Assert.Null(history.AdmissionWaitP99(Start));
        for (var i = 0; i < 99; i++)
        {
            history.RecordAdmission(Start.AddSeconds(i), TimeSpan.Zero);
        }

        history.RecordAdmission(Start.AddSeconds(99), TimeSpan.FromMilliseconds(900));
        Assert.Equal(0, history.AdmissionWaitP99(Start.AddSeconds(100)));
        history.RecordAdmission(Start.AddSeconds(100), TimeSpan.FromMilliseconds(1200));
        Assert.Equal(900, history.AdmissionWaitP99(Start.AddSeconds(101)));
        Assert.Null(history.AdmissionWaitP99(Start.AddMinutes(20))); // all older than the window
    }
}
