using System.ComponentModel.DataAnnotations;

namespace Scribe.Endpoints;

/// <summary>The speech endpoints (configuration section <c>Inference</c>).</summary>
public sealed class InferenceOptions : IValidatableObject
{
    public const string Section = "Inference";

    /// <summary>vLLM realtime endpoints; when empty the silo serves and uses its local speech endpoint.</summary>
    public List<InferenceEndpointOptions> Endpoints { get; set; } = [];

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

            if (endpoint.MaxSessions < 1)
            {
                yield return new ValidationResult($"{key}:MaxSessions must be at least 1.", [$"{key}:MaxSessions"]);
            }

            if (!string.IsNullOrEmpty(endpoint.HealthUrl) && (!Uri.TryCreate(endpoint.HealthUrl, UriKind.Absolute, out var health) || health.Scheme is not ("http" or "https")))
            {
                yield return new ValidationResult($"{key}:HealthUrl must be an http:// or https:// URL, got '{endpoint.HealthUrl}'.", [$"{key}:HealthUrl"]);
            }
        }

        foreach (var duplicate in Endpoints.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"{Section}:Endpoints has two endpoints named '{duplicate.Key}'.", [$"{Section}:Endpoints"]);
        }
    }

    public IReadOnlyList<InferenceEndpoint> ToEndpoints() =>
        [.. Endpoints.Select(e => new InferenceEndpoint(e.Name, new Uri(e.Url), e.Model, e.MaxSessions, string.IsNullOrEmpty(e.ApiKey) ? null : e.ApiKey,
            string.IsNullOrEmpty(e.HealthUrl) ? null : new Uri(e.HealthUrl)))];
}

public sealed class InferenceEndpointOptions
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public string Model { get; set; } = "";
    public int MaxSessions { get; set; } = 8;
    public string? ApiKey { get; set; }

    /// <summary>Base of <c>/health</c> and <c>/metrics</c> when not the realtime URL's host root.</summary>
    public string? HealthUrl { get; set; }
}
