namespace Scribe.Endpoints;

/// <summary>
/// What the endpoint registry persists: definitions and drain flags. Health, load and session counts are
/// rebuilt within a probe interval after a restart, so they are not written.
/// </summary>
[GenerateSerializer, Alias("scribe.endpoint-registry-record")]
public sealed class EndpointRegistryRecord
{
    /// <summary>Set once the configured endpoints were added, so endpoints removed later stay removed.</summary>
    [Id(0)] public bool Seeded { get; set; }

    [Id(1)] public List<InferenceEndpoint> Endpoints { get; set; } = [];

    [Id(2)] public HashSet<string> Drained { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Endpoints a DNS discovery group added: endpoint name → group name.</summary>
    [Id(3)] public Dictionary<string, string> DiscoveredBy { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The drains discovery made (its address went away), as against an operator's, which discovery never lifts.</summary>
    [Id(4)] public HashSet<string> DiscoveryDrained { get; set; } = new(StringComparer.Ordinal);
}
