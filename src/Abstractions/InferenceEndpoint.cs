namespace Scribe;

/// <summary>A speech endpoint serving vLLM's realtime protocol (a GPU vLLM server or our local one).</summary>
/// <param name="Url">The realtime WebSocket, e.g. <c>ws://gpu-1:8000/v1/realtime</c>.</param>
/// <param name="MaxSessions">How many concurrent realtime sessions the endpoint holds.</param>
/// <param name="ApiKey">Sent as a bearer token on the upgrade when the server runs with <c>--api-key</c>.</param>
[GenerateSerializer, Immutable, Alias("scribe.inference-endpoint")]
public sealed record InferenceEndpoint(
    [property: Id(0)] string Name,
    [property: Id(1)] Uri Url,
    [property: Id(2)] string Model,
    [property: Id(3)] int MaxSessions,
    [property: Id(4)] string? ApiKey = null)
{
    public override string ToString() => $"{Name} ({Url})";
}
