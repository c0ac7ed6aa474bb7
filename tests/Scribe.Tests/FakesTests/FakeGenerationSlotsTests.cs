using Scribe.Fakes.Vllm;

namespace Scribe.Tests.FakesTests;

public sealed class FakeGenerationSlotsTests
{
    [Fact]
    public async Task A_commit_beyond_the_limit_waits_for_a_finished_generation_and_is_counted()
    {
        var slots = new FakeGenerationSlots { Limit = 2 };
        await slots.EnterAsync(CancellationToken.None);
        await slots.EnterAsync(CancellationToken.None);
        Assert.Equal(0, slots.MadeToWait);

        var third = slots.EnterAsync(CancellationToken.None);
        Assert.False(third.IsCompleted);
        Assert.Equal(1, slots.MadeToWait);
        Assert.Equal(1, slots.Waiting);

        slots.Exit();
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, slots.Running);
        Assert.Equal(2, slots.Peak);
        Assert.Equal(0, slots.Waiting);
    }

    [Fact]
    public async Task A_queued_commit_whose_connection_goes_leaves_the_queue()
    {
        var slots = new FakeGenerationSlots { Limit = 1 };
        await slots.EnterAsync(CancellationToken.None);
        using var gone = new CancellationTokenSource();
        var queued = slots.EnterAsync(gone.Token);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);

        slots.Exit();
        Assert.Equal(0, slots.Running);
        await slots.EnterAsync(CancellationToken.None);
        Assert.Equal(1, slots.Running);
    }
}
