namespace Scribe.Endpoints;

/// <summary>
/// What a speaker asks of the fleet: a place for its session's socket, a generation slot at each generation start,
/// and a signal when either may have freed up.
/// </summary>
public interface IEndpointPicker
{
    /// <summary>Places a session; <paramref name="avoid"/> is an endpoint that just failed for this speaker.</summary>
    /// <returns>The placement, or null when no endpoint has room for a socket now.</returns>
    SessionPlacement? TryPlace(string speaker, InferenceEndpoint? avoid);

    /// <summary>
    /// Asked at a generation boundary: true when the session should close and be placed again (its endpoint is
    /// draining, failing or removed), so it moves without cutting a generation.
    /// </summary>
    bool ShouldLeave(SessionPlacement placement) => false;

    /// <summary>
    /// Admission at a generation boundary: a slot on an endpoint that can run one more generation now, preferring
    /// <paramref name="current"/> (the speaker's open socket). Null: none is free, or speakers whose speech began
    /// earlier wait for the free ones; the speaker waits and asks again. Called once per generation, never per chunk.
    /// </summary>
    ValueTask<GenerationTicket?> TryStartGenerationAsync(
        string speaker, DateTimeOffset speechStartedAt, string? current, TimeSpan lifetime, CancellationToken cancellationToken) =>
        ValueTask.FromResult<GenerationTicket?>(GenerationTicket.Anywhere);

    /// <summary>Returns when capacity may have appeared (a slot or a socket freed, the endpoint list changed) or after <paramref name="atMost"/>.</summary>
    Task WaitForCapacityAsync(TimeSpan atMost, CancellationToken cancellationToken) => Task.Delay(atMost, cancellationToken);
}
