using System.ComponentModel.DataAnnotations;

namespace Scribe.Silo.Hosting;

public enum ClusterProvider
{
    Localhost,
    Redis,
}

/// <summary>How this silo joins its cluster (configuration section <c>Cluster</c>).</summary>
public sealed class ClusterHostingOptions : IValidatableObject
{
    public const string Section = "Cluster";

    /// <summary><c>Localhost</c>: one machine, in-memory storage. <c>Redis</c>: membership and storage in Redis.</summary>
    public ClusterProvider Provider { get; set; } = ClusterProvider.Localhost;

    [Required] public string ServiceId { get; set; } = "scribe";

    [Required] public string ClusterId { get; set; } = "scribe";

    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;

    /// <summary>With Localhost clustering: the silo port of the primary silo when this one is not it.</summary>
    [Range(0, 65535)] public int PrimarySiloPort { get; set; }

    /// <summary>The address other silos reach this one at (Redis clustering); defaults to the machine's address.</summary>
    public string? AdvertisedIp { get; set; }

    /// <summary>
    /// This silo's name in membership, logs and the dashboard; unset, Orleans makes one up. On Kubernetes the pod's
    /// name (downward API), so a silo reads as the pod that runs it.
    /// </summary>
    public string? SiloName { get; set; }

    /// <summary>How long a membership probe may take; with <see cref="MissedProbesLimit"/> it bounds how soon a dead silo is noticed.</summary>
    [Range(200, 60_000)] public int ProbeTimeoutMs { get; set; } = 2_000;

    /// <summary>Missed probes before a silo is suspected; a dead silo is declared after about ProbeTimeout × this.</summary>
    [Range(1, 10)] public int MissedProbesLimit { get; set; } = 2;

    /// <summary>Filled from <c>ConnectionStrings:Redis</c>.</summary>
    public string? RedisConnectionString { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == ClusterProvider.Redis && string.IsNullOrWhiteSpace(RedisConnectionString))
        {
            yield return new ValidationResult("ConnectionStrings:Redis is required when Cluster:Provider is Redis.", ["ConnectionStrings:Redis"]);
        }

        if (AdvertisedIp is not null && !System.Net.IPAddress.TryParse(AdvertisedIp, out _))
        {
            yield return new ValidationResult($"{Section}:AdvertisedIp must be an IP address, got '{AdvertisedIp}'.", [nameof(AdvertisedIp)]);
        }
    }
}
