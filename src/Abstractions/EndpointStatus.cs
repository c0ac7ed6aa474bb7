namespace Scribe;

/// <summary>One speech endpoint as the cluster sees it (the admin API's <c>GET /api/endpoints</c> rows).</summary>
/// <param name="Sessions">Our realtime sessions on it, summed over the silos' latest reports.</param>
/// <param name="ReportedLoad">
/// Load from its <c>/metrics</c>: open realtime sockets (or running requests, whichever is larger) plus
/// waiting requests; includes our own sessions and anyone else's.
/// </param>
/// <param name="KvCacheUsage">The KV-cache usage gauge (0..1) when the server exports one.</param>
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
    [property: Id(13)] string HealthUrl);
