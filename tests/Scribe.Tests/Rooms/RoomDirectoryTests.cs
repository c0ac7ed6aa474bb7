namespace Scribe.Tests.Rooms;

public sealed class RoomDirectoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static RoomSummary Room(string name, RoomState state, DateTimeOffset started, DateTimeOffset? finished = null, int segments = 0) =>
        new(name, state, started, finished, ["alice"], segments, segments);

    [Fact]
    public void Only_a_new_room_or_a_change_of_state_is_worth_persisting()
    {
        var directory = new RoomDirectory();

        Assert.True(directory.Report(Room("a", RoomState.Active, T0)));
        Assert.False(directory.Report(Room("a", RoomState.Active, T0, segments: 40)));
        Assert.True(directory.Report(Room("a", RoomState.Finished, T0, T0.AddHours(1), 40)));
        Assert.Equal(40, directory.List().Single().SegmentCount);
    }

    [Fact]
    public void Active_rooms_come_first_newest_first()
    {
        var directory = new RoomDirectory();
        directory.Report(Room("old-done", RoomState.Finished, T0, T0.AddHours(1)));
        directory.Report(Room("old", RoomState.Active, T0));
        directory.Report(Room("new", RoomState.Active, T0.AddHours(2)));
        directory.Report(Room("new-done", RoomState.Finished, T0.AddHours(1), T0.AddHours(2)));

        Assert.Equal(["new", "old", "new-done", "old-done"], directory.List().Select(r => r.Name));
    }

    [Fact]
    public void Finished_rooms_expire_once_retention_has_passed_since_they_finished_and_active_rooms_never()
    {
        var time = new ManualTime(T0);
        var retention = TimeSpan.FromHours(168);
        var directory = new RoomDirectory();
        directory.Report(Room("long-running", RoomState.Active, T0.AddDays(-30)));
        directory.Report(Room("done", RoomState.Finished, T0.AddHours(-2), T0.AddHours(-1)));

        Assert.Empty(directory.Expired(time.GetUtcNow(), retention));
        time.Advance(TimeSpan.FromHours(166.9));
        Assert.Empty(directory.Expired(time.GetUtcNow(), retention));
        time.Advance(TimeSpan.FromHours(0.1));
        Assert.Equal(["done"], directory.Expired(time.GetUtcNow(), retention).Select(r => r.Name));
        Assert.True(directory.Remove("done"));
        Assert.Equal(["long-running"], directory.List().Select(r => r.Name));
    }

    [Fact]
    public void The_sweep_runs_a_quarter_of_the_retention_between_one_second_and_ten_minutes()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), new TranscriptOptions().SweepPeriod);
        Assert.Equal(TimeSpan.FromSeconds(9), new TranscriptOptions { RetentionHours = 0.01 }.SweepPeriod);
        Assert.Equal(TimeSpan.FromSeconds(1), new TranscriptOptions { RetentionHours = 0.0001 }.SweepPeriod);
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
