namespace Scribe;

/// <summary>One speech endpoint as the cluster sees it (the admin API's <c>GET /api/endpoints</c> rows).</summary>
/// <param name="Sessions">Our realtime sessions on it, summed over the silos' latest reports.</param>
/// <param name="ReportedLoad">
/// Load from its <c>/metrics</c>: open realtime sockets (or running requests, whichever is larger) plus
/// waiting requests; includes our own sessions and anyone else's.
/// </param>
/// <param name="KvCacheUsage">The KV-cache usage gauge (0..1) when the server exports one.</param>
/// <param name="MaxGenerations">Generations it may run at once (the GPU's capacity; <c>MaxSessions</c> caps only sockets).</param>
/// <param name="RunningGenerations">Our generations running on it now, cluster-wide (slot leases held).</param>
/// <param name="WaitingSpeakers">Speakers waiting for a generation slot anywhere in the fleet (the same figure on every row).</param>
/// <param name="RequestsRunning">vLLM's <c>num_requests_running</c> at the last probe (ours and other clients').</param>
/// <param name="RequestsWaiting">vLLM's <c>num_requests_waiting</c> at the last probe: generations the server queued.</param>
/// <param name="DrainComplete">Drained and holding none of our sessions: safe to stop.</param>
[GenerateSerializer, Immutable, Alias("scribe.endpoint-status")]
public sealed record EndpointStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] string Url,
    [property: Id(2)] string Model,
    [property: Id(3)] int MaxSessions,
    [property: Id(4)] int Sessions,
    [property: Id(5)] int ReportedLoad,
    [property: Id(6)] double? KvCacheUsage,
    [property: Id(7)] EndpointHealth Health,
    [property: Id(8)] int ConsecutiveFailures,
    [property: Id(9)] bool Drained,
    [property: Id(10)] bool DrainComplete,
    [property: Id(11)] string? LastError,
    [property: Id(12)] DateTimeOffset? LastProbedAt,
    [property: Id(13)] string HealthUrl,
    [property: Id(14)] int MaxGenerations = 0,
    [property: Id(15)] int RunningGenerations = 0,
    [property: Id(16)] int WaitingSpeakers = 0,
    [property: Id(17)] int? RequestsRunning = null,
    [property: Id(18)] int? RequestsWaiting = null);
