namespace Scribe.Endpoints;

/// <summary>An endpoint as placement sees it.</summary>
/// <param name="Load">Sessions it carries now: ours (cluster-wide, with this silo's in-flight ones) plus other clients'.</param>
/// <param name="Projected">
/// Load expected by the time others' recent placements show up (ranks endpoints); null means <paramref name="Load"/>.
/// </param>
public readonly record struct PlacementCandidate(
    string Name,
    int MaxSessions,
    int Load,
    EndpointHealth Health = EndpointHealth.Healthy,
    bool Drained = false,
    double? KvCacheUsage = null,
    int? Projected = null)
{
    /// <summary>Above this KV-cache usage a vLLM server starts pre-empting: give it nothing new.</summary>
    public const double KvCacheFull = 0.95;

    /// <summary>May keep the sessions it has (not drained, not failing).</summary>
    public bool Serving => !Drained && Health != EndpointHealth.Unhealthy;

    /// <summary>May take one more session.</summary>
    public bool HasRoom => Serving && Load < MaxSessions && KvCacheUsage is not >= KvCacheFull;

    public double Utilisation => MaxSessions <= 0 ? double.PositiveInfinity : (Projected ?? Load) / (double)MaxSessions;
}
