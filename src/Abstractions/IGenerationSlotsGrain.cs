namespace Scribe;

/// <summary>
/// The cluster's generation slots (one activation, key <see cref="Key"/>): how many generations each endpoint
/// runs for us (each slot held until given back or expired), and the speakers waiting for one, served in the
/// order their speech began. Called twice per generation (start and end), never per audio chunk.
/// </summary>
[Alias("scribe.generation-slots-grain")]
public interface IGenerationSlotsGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    /// <summary>A slot for the speaker's next generation, or null (the speaker is queued; ask again).</summary>
    [Alias("try-acquire")] Task<GenerationSlot?> TryAcquireAsync(GenerationSlotRequest request);

    [Alias("release")] Task ReleaseAsync(long slot);

    /// <summary>Running generations per endpoint and the speakers waiting.</summary>
    [Alias("usage")] Task<GenerationSlotUsage> GetUsageAsync();

    /// <summary>Slots in use and speakers waiting over the last 15 minutes, one sample per 10 s, oldest first, and the admission-wait p99.</summary>
    [Alias("history")] Task<CapacityHistorySnapshot> GetHistoryAsync();
}

/// <summary>What an endpoint can take, as the asking silo sees it.</summary>
/// <param name="ReportedRequests">Running plus waiting requests from its <c>/metrics</c> (ours included), null when unknown.</param>
/// <param name="ProbedAt">When those figures were read.</param>
[GenerateSerializer, Immutable, Alias("scribe.generation-capacity")]
public sealed record GenerationCapacity(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] int MaxGenerations,
    [property: Id(2)] bool Open,
    [property: Id(3)] int? ReportedRequests = null,
    [property: Id(4)] DateTimeOffset? ProbedAt = null);

/// <param name="Speaker">room/identity.</param>
/// <param name="SpeechStartedAt">When the speech this generation carries began: the queue's order.</param>
/// <param name="Current">The endpoint of the speaker's open socket, kept when it has a slot.</param>
/// <param name="Lifetime">How long the slot may be held before it counts as leaked (a silo that died).</param>
[GenerateSerializer, Immutable, Alias("scribe.generation-slot-request")]
public sealed record GenerationSlotRequest(
    [property: Id(0)] string Speaker,
    [property: Id(1)] DateTimeOffset SpeechStartedAt,
    [property: Id(2)] string? Current,
    [property: Id(3)] IReadOnlyList<GenerationCapacity> Endpoints,
    [property: Id(4)] TimeSpan Lifetime);

[GenerateSerializer, Immutable, Alias("scribe.generation-slot")]
public sealed record GenerationSlot(
    [property: Id(0)] long Id,
    [property: Id(1)] string Endpoint,
    [property: Id(2)] DateTimeOffset ExpiresAt);

[GenerateSerializer, Immutable, Alias("scribe.generation-slot-usage")]
public sealed record GenerationSlotUsage(
    [property: Id(0)] IReadOnlyDictionary<string, int> Running,
    [property: Id(1)] int Waiting);

/// <summary>Generation slots in use per endpoint and speakers waiting, the highest seen in a period starting at <see cref="At"/>.</summary>
[GenerateSerializer, Immutable, Alias("scribe.capacity-sample")]
public sealed record CapacitySample(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] IReadOnlyDictionary<string, int> Running,
    [property: Id(2)] int Waiting);

/// <summary>The last 15 minutes of generation capacity; <see cref="AdmissionWaitP99Ms"/> is null when nothing was admitted.</summary>
[GenerateSerializer, Immutable, Alias("scribe.capacity-history")]
public sealed record CapacityHistorySnapshot(
    [property: Id(0)] IReadOnlyList<CapacitySample> Samples,
    [property: Id(1)] double? AdmissionWaitP99Ms);
