namespace Scribe;

/// <summary>
/// The cluster's speech endpoints (one activation, key <see cref="Key"/>): definitions and drain flags are
/// persisted; health, load and session counts are what silos last reported.
/// </summary>
[Alias("scribe.endpoint-registry-grain")]
public interface IEndpointRegistryGrain : IGrainWithStringKey
{
    const string Key = "cluster";

    /// <summary>Adds the configured endpoints the first time the registry is used; later calls change nothing.</summary>
    [Alias("seed")] Task SeedAsync(IReadOnlyList<InferenceEndpoint> configured);

    [Alias("add")] Task<EndpointChange> AddAsync(InferenceEndpoint endpoint);
    [Alias("remove")] Task<EndpointChange> RemoveAsync(string name);
    [Alias("drain")] Task<EndpointChange> DrainAsync(string name);
    [Alias("undrain")] Task<EndpointChange> UndrainAsync(string name);

    /// <summary>
    /// A discovery group's replicas as its host name resolved at <paramref name="resolvedAt"/>: adds the new ones,
    /// drains the ones gone (removed once nothing runs there). A resolution older than one already applied is ignored.
    /// </summary>
    [Alias("apply-discovery")] Task<ReplicaChanges> ApplyDiscoveryAsync(string group, IReadOnlyList<InferenceEndpoint> resolved, DateTimeOffset resolvedAt);

    /// <summary>A silo's probe results.</summary>
    [Alias("report-probes")] Task ReportProbesAsync(IReadOnlyList<EndpointProbeReport> reports);

    /// <summary>A silo's realtime sessions per endpoint (absent = 0); replaces that silo's previous report.</summary>
    [Alias("report-sessions")] Task ReportSessionsAsync(string silo, IReadOnlyDictionary<string, int> sessions);

    [Alias("snapshot")] Task<EndpointSnapshot> GetSnapshotAsync();
}
