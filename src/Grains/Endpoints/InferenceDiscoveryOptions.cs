using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace Scribe.Endpoints;

/// <summary>
/// One group of vLLM replicas behind one DNS name (<c>Inference:Discovery:N</c>): each address the name resolves to
/// is the endpoint <c>{Name}-{address}</c> at <c>ws://{address}:{Port}{Path}</c>, running <see cref="MaxGenerations"/>.
/// </summary>
public sealed class InferenceDiscoveryOptions
{
    /// <summary>The group's name; its endpoints are named <c>{Name}-{address}</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The name to resolve, fully qualified (e.g. <c>vllm.meet.svc.cluster.local</c>): resolv.conf search domains are
    /// not applied.
    /// </summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 8000;

    /// <summary>The realtime socket's path on each replica.</summary>
    public string Path { get; set; } = "/v1/realtime";

    public string Model { get; set; } = "";

    /// <summary>Generations each replica runs at once: its <c>--max-num-seqs</c> or a lower measured figure.</summary>
    public int MaxGenerations { get; set; }

    /// <summary>How often the name is resolved again: a new replica gets slots within this.</summary>
    public int RefreshSeconds { get; set; } = 10;

    /// <summary>Sent as a bearer token when the replicas run with <c>--api-key</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The endpoint that one resolved address of this group stands for.</summary>
    public InferenceEndpoint EndpointAt(IPAddress address)
    {
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        return new InferenceEndpoint(
            $"{Name}-{address}",
            new Uri($"ws://{host}:{Port}{Path}"),
            Model,
            InferenceEndpoint.NoSessionCap,
            string.IsNullOrEmpty(ApiKey) ? null : ApiKey,
            MaxGenerations: MaxGenerations);
    }

    internal IEnumerable<ValidationResult> Validate(string key)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return new ValidationResult($"{key}:Name is required.", [$"{key}:Name"]);
        }

        if (string.IsNullOrWhiteSpace(Host) || Uri.CheckHostName(Host) != UriHostNameType.Dns)
        {
            yield return new ValidationResult($"{key}:Host must be a DNS name (e.g. vllm.meet.svc.cluster.local), got '{Host}'.", [$"{key}:Host"]);
        }

        if (Port is < 1 or > 65535)
        {
            yield return new ValidationResult($"{key}:Port must be between 1 and 65535, got {Port}.", [$"{key}:Port"]);
        }

        if (!Path.StartsWith('/'))
        {
            yield return new ValidationResult($"{key}:Path must start with '/', got '{Path}'.", [$"{key}:Path"]);
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            yield return new ValidationResult($"{key}:Model is required (the model vLLM serves).", [$"{key}:Model"]);
        }

        if (MaxGenerations < 1)
        {
            yield return new ValidationResult($"{key}:MaxGenerations must be at least 1 (the generations each replica runs at once, e.g. its --max-num-seqs), got {MaxGenerations}.", [$"{key}:MaxGenerations"]);
        }

        if (RefreshSeconds is < 1 or > 3_600)
        {
            yield return new ValidationResult($"{key}:RefreshSeconds must be between 1 and 3600, got {RefreshSeconds}.", [$"{key}:RefreshSeconds"]);
        }
    }
}
