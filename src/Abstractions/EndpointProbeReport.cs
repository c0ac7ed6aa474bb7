namespace Scribe;

/// <summary>One silo's probe of an endpoint's <c>/health</c> and <c>/metrics</c>.</summary>
/// <param name="Healthy">The probing silo's verdict after its consecutive-failure threshold.</param>
/// <param name="Load">Null when <c>/metrics</c> could not be read.</param>
[GenerateSerializer, Immutable, Alias("scribe.endpoint-probe-report")]
public sealed record EndpointProbeReport(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] bool Healthy,
    [property: Id(2)] int ConsecutiveFailures,
    [property: Id(3)] EndpointLoad? Load,
    [property: Id(4)] string? Error,
    [property: Id(5)] DateTimeOffset At);

/// <summary>The load gauges a vLLM server exports in <c>/metrics</c> (absent ones are null).</summary>
[GenerateSerializer, Immutable, Alias("scribe.endpoint-load")]
public sealed record EndpointLoad(
    [property: Id(0)] int? ConnectionsActive,
    [property: Id(1)] int? RequestsRunning,
    [property: Id(2)] int? RequestsWaiting,
    [property: Id(3)] double? KvCacheUsage)
{
    /// <summary>Sessions the server is carrying: sockets or running requests, whichever is larger, plus the queue.</summary>
    public int Total => Math.Max(ConnectionsActive ?? 0, RequestsRunning ?? 0) + (RequestsWaiting ?? 0);
}
