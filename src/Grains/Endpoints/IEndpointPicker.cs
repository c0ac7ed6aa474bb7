namespace Scribe.Endpoints;

/// <summary>Chooses the speech endpoint a session goes to and counts the sessions each endpoint holds.</summary>
public interface IEndpointPicker
{
    /// <summary>Reserves a session slot; <paramref name="avoid"/> is an endpoint that just failed for this speaker.</summary>
    /// <returns>The lease, or null when no endpoint has capacity now.</returns>
    EndpointLease? TryAcquire(string speaker, InferenceEndpoint? avoid);

    /// <summary>
    /// Asked at a generation boundary: true when the session should close and be placed again (its endpoint is
    /// draining, failing or removed), so it moves without cutting a generation.
    /// </summary>
    bool ShouldLeave(EndpointLease lease) => false;

    /// <summary>
    /// Admission at a generation boundary: a slot on an endpoint that can run one more generation now, preferring
    /// <paramref name="current"/> (the speaker's open socket). Null: none is free, or speakers whose speech began
    /// earlier wait for the free ones; the speaker waits and asks again. Called once per generation, never per chunk.
    /// </summary>
    ValueTask<GenerationTicket?> TryStartGenerationAsync(
        string speaker, DateTimeOffset speechStartedAt, string? current, TimeSpan lifetime, CancellationToken cancellationToken) =>
        ValueTask.FromResult<GenerationTicket?>(GenerationTicket.Anywhere);

    /// <summary>Returns when capacity may have appeared (a slot freed, the endpoint list changed) or after <paramref name="atMost"/>.</summary>
    Task WaitForCapacityAsync(TimeSpan atMost, CancellationToken cancellationToken) => Task.Delay(atMost, cancellationToken);
}

/// <summary>A reserved session slot on an endpoint; disposing it frees the slot.</summary>
public sealed class EndpointLease(InferenceEndpoint endpoint, Action<InferenceEndpoint> release) : IDisposable
{
    private int _released;

    public InferenceEndpoint Endpoint { get; } = endpoint;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            release(Endpoint);
        }
    }
}

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
