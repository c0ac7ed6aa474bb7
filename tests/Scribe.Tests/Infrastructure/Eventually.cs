namespace Scribe.Tests.Infrastructure;

/// <summary>Waits on an observable condition with a deadline, never on a sleep that hopes.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> every <paramref name="every"/> (100 ms); fails with <paramref name="what"/> after <paramref name="patience"/> (30 s).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? DefaultPatience);
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? patience = null, TimeSpan? every = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, patience, every);
}
