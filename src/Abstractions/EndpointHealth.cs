namespace Scribe;

/// <summary>What the probes last concluded about a speech endpoint.</summary>
[GenerateSerializer, Alias("scribe.endpoint-health")]
public enum EndpointHealth
{
    /// <summary>Not probed yet: treated as usable, so a fresh endpoint takes sessions at once.</summary>
    Unknown = 0,
    Healthy = 1,
    Unhealthy = 2,
}
