namespace Scribe.Tests.Infrastructure;

/// <summary>Waits on an observable condition with a deadline, never on a sleep that hopes.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    /// <summary>Often enough that a wait adds little to a test, rarely enough that HTTP-polled conditions cost little.</summary>
    public static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Polls <paramref name="condition"/> every <paramref name="every"/> (<see cref="DefaultEvery"/>); fails naming
    /// <paramref name="what"/> after <paramref name="patience"/> (<see cref="DefaultPatience"/>).
    /// </summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null, TimeSpan? every = null)
    {
        var wait = patience ?? DefaultPatience;
        var deadline = DateTime.UtcNow + wait;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Timed out after {wait.TotalSeconds:0.#} s waiting until {what}.");
            }

            await Task.Delay(every ?? DefaultEvery);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, string what, TimeSpan? patience = null, TimeSpan? every = null) =>
        HoldsAsync(() => Task.FromResult(condition()), what, patience, every);

    /// <summary>
    /// Polls <paramref name="probe"/> until <paramref name="until"/> accepts what it returns, and returns that; on
    /// time-out fails naming <paramref name="what"/> and showing the last value seen.
    /// </summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> until, string what, TimeSpan? patience = null, TimeSpan? every = null)
    {
        var wait = patience ?? DefaultPatience;
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var value = await probe();
            if (until(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"Timed out after {wait.TotalSeconds:0.#} s waiting until {what}; last seen: {Shown(value)}");
            }

            await Task.Delay(every ?? DefaultEvery);
        }
    }

    private static string Shown<T>(T value)
    {
        var text = value switch
        {
            null => "null",
            string s => s,
            System.Collections.IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Take(20)) + "]",
            _ => value.ToString() ?? "",
        };
        return text.Length <= 2_000 ? text : text[..2_000] + "…";
    }
}
