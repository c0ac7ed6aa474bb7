namespace Scribe.Endpoints;

/// <summary>
/// A generation slot held from a generation's start to its end; <see cref="Endpoint"/> is where it runs
/// (null: anywhere, for pickers that do not count generations). Ending it twice is harmless.
/// </summary>
public sealed class GenerationTicket(string? endpoint, Func<Task> end)
{
    private int _ended;

    public static GenerationTicket Anywhere { get; } = new(null, () => Task.CompletedTask);

    public string? Endpoint { get; } = endpoint;

    public Task EndAsync() => Interlocked.Exchange(ref _ended, 1) == 0 ? end() : Task.CompletedTask;
}
