using System.ComponentModel.DataAnnotations;

namespace Scribe.Endpoints;

/// <summary>The speech endpoints (configuration section <c>Inference</c>).</summary>
public sealed class InferenceOptions : IValidatableObject
{
    public const string Section = "Inference";

    /// <summary>vLLM realtime endpoints; when empty the silo serves and uses its local speech endpoint.</summary>
    public List<InferenceEndpointOptions> Endpoints { get; set; } = [];

    /// <summary>
    /// vLLM replicas found by DNS (e.g. a Kubernetes headless Service): every address a group's host name resolves
    /// to is one endpoint, added and drained as replicas come and go.
    /// </summary>
    public List<InferenceDiscoveryOptions> Discovery { get; set; } = [];

    /// <summary>How often each silo probes every endpoint's <c>/health</c> and <c>/metrics</c>, and refreshes its registry snapshot.</summary>
    [Range(50, 60_000)] public int ProbeIntervalMs { get; set; } = 2_000;

    /// <summary>A probe that takes longer than this counts as a failure.</summary>
    [Range(50, 60_000)] public int ProbeTimeoutMs { get; set; } = 1_500;

    /// <summary>Consecutive failed probes after which an endpoint is unhealthy (one success makes it healthy again).</summary>
    [Range(1, 100)] public int UnhealthyAfterFailures { get; set; } = 3;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Endpoints.Count; i++)
        {
            var endpoint = Endpoints[i];
            var key = $"{Section}:Endpoints:{i}";
            if (string.IsNullOrWhiteSpace(endpoint.Name))
            {
                yield return new ValidationResult($"{key}:Name is required.", [$"{key}:Name"]);
            }

            if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
            {
                yield return new ValidationResult($"{key}:Url must be a ws:// or wss:// URL of /v1/realtime, got '{endpoint.Url}'.", [$"{key}:Url"]);
            }

            if (string.IsNullOrWhiteSpace(endpoint.Model))
            {
                yield return new ValidationResult($"{key}:Model is required (the model vLLM serves).", [$"{key}:Model"]);
            }

            if (endpoint.MaxSessions is < 1)
            {
                yield return new ValidationResult($"{key}:MaxSessions must be at least 1 when set (leave it out for no socket cap), got {endpoint.MaxSessions}.", [$"{key}:MaxSessions"]);
            }

            if (endpoint.MaxGenerations is < 1)
            {
                yield return new ValidationResult($"{key}:MaxGenerations must be at least 1 (the generations the server runs at once, e.g. its --max-num-seqs), got {endpoint.MaxGenerations}.", [$"{key}:MaxGenerations"]);
            }
            else if (endpoint.MaxGenerations is null && endpoint.MaxSessions is null)
            {
                yield return new ValidationResult($"{key}:MaxGenerations is required (the generations the server runs at once, e.g. its --max-num-seqs).", [$"{key}:MaxGenerations"]);
            }

            if (!string.IsNullOrEmpty(endpoint.HealthUrl) && (!Uri.TryCreate(endpoint.HealthUrl, UriKind.Absolute, out var health) || health.Scheme is not ("http" or "https")))
            {
                yield return new ValidationResult($"{key}:HealthUrl must be an http:// or https:// URL, got '{endpoint.HealthUrl}'.", [$"{key}:HealthUrl"]);
            }
        }

        foreach (var result in Discovery.SelectMany((group, i) => group.Validate($"{Section}:Discovery:{i}")))
        {
            yield return result;
        }

        foreach (var duplicate in Discovery.GroupBy(g => g.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"{Section}:Discovery has two groups named '{duplicate.Key}'.", [$"{Section}:Discovery"]);
        }

        foreach (var duplicate in Endpoints.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"{Section}:Endpoints has two endpoints named '{duplicate.Key}'.", [$"{Section}:Endpoints"]);
        }
    }

    /// <summary>An endpoint configured with only <c>MaxSessions</c> (before generations were counted) runs that many generations.</summary>
    public IReadOnlyList<InferenceEndpoint> ToEndpoints() =>
        [.. Endpoints.Select(e => new InferenceEndpoint(e.Name, new Uri(e.Url), e.Model, e.MaxSessions ?? InferenceEndpoint.NoSessionCap,
            string.IsNullOrEmpty(e.ApiKey) ? null : e.ApiKey,
            string.IsNullOrEmpty(e.HealthUrl) ? null : new Uri(e.HealthUrl),
            e.MaxGenerations ?? e.MaxSessions ?? 0))];
}

public sealed class InferenceEndpointOptions
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public string Model { get; set; } = "";
    /// <summary>Realtime sockets it accepts; null: no cap (a socket between generations costs the GPU nothing).</summary>
    public int? MaxSessions { get; set; }

    /// <summary>Generations it runs at once: its <c>--max-num-seqs</c>, or a lower figure an operator measured for live speed.</summary>
    public int? MaxGenerations { get; set; }
    public string? ApiKey { get; set; }

    /// <summary>Base of <c>/health</c> and <c>/metrics</c> when not the realtime URL's host root.</summary>
    public string? HealthUrl { get; set; }
}
