using Scribe.Media;

namespace Scribe.Tests.Media;

public sealed class RestartBackoffTests
{
    private static readonly TimeSpan Young = TimeSpan.FromSeconds(1);

    [Fact]
    public void The_first_death_restarts_at_once_then_the_wait_doubles_up_to_the_cap()
    {
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var waits = Enumerable.Range(0, 6).Select(_ => backoff.Next(Young).TotalMilliseconds).ToArray();
        Assert.Equal([0, 250, 500, 1000, 1000, 1000], waits);
    }

    [Fact]
    public void A_child_that_ran_long_enough_is_restarted_at_once_again()
    {
        var backoff = new RestartBackoff(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
        backoff.Next(Young);
        backoff.Next(Young);
        backoff.Next(Young);
        Assert.Equal(TimeSpan.Zero, backoff.Next(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), backoff.Next(Young));
    }
}
