namespace Scribe;

/// <summary>A speech endpoint serving vLLM's realtime protocol (a GPU vLLM server or our local one).</summary>
/// <param name="Url">The realtime WebSocket, e.g. <c>ws://gpu-1:8000/v1/realtime</c>.</param>
/// <param name="MaxSessions">
/// How many realtime sockets it accepts (<see cref="NoSessionCap"/>: no cap). Sockets are cheap: between
/// generations one holds only a queue on the server, so this is not the GPU's capacity.
/// </param>
/// <param name="ApiKey">Sent as a bearer token on the upgrade when the server runs with <c>--api-key</c>.</param>
/// <param name="MaxGenerations">
/// Generations (commit to done) it may run at once: its <c>--max-num-seqs</c> or an operator's measured figure.
/// This is the GPU's capacity; 0 (older records) means <paramref name="MaxSessions"/>.
/// </param>
/// <param name="HealthUrl">
/// Where <c>/health</c> and <c>/metrics</c> live; null derives it from <paramref name="Url"/> (same host, http(s)).
/// </param>
[GenerateSerializer, Immutable, Alias("scribe.inference-endpoint")]
public sealed record InferenceEndpoint(
    [property: Id(0)] string Name,
    [property: Id(1)] Uri Url,
    [property: Id(2)] string Model,
    [property: Id(3)] int MaxSessions,
    [property: Id(4)] string? ApiKey = null,
    [property: Id(5)] Uri? HealthUrl = null,
    [property: Id(6)] int MaxGenerations = 0)
{
    /// <summary>A <see cref="MaxSessions"/> that caps nothing.</summary>
    public const int NoSessionCap = int.MaxValue;

    /// <summary>Concurrent generations the endpoint runs (what admission counts against).</summary>
    public int GenerationLimit => MaxGenerations > 0 ? MaxGenerations : MaxSessions;

    /// <summary>
    /// The base that <c>health</c> and <c>metrics</c> are resolved against, ending in a slash: vLLM serves them
    /// at the root of the server whose realtime socket is <c>ws(s)://host:port/v1/realtime</c>.
    /// </summary>
    public Uri HealthBase
    {
        get
        {
            if (HealthUrl is { } explicitBase)
            {
                return explicitBase.AbsoluteUri.EndsWith('/') ? explicitBase : new Uri(explicitBase.AbsoluteUri + "/");
            }

            var derived = new UriBuilder(Url)
            {
                Scheme = Url.Scheme == "wss" ? "https" : "http",
                Path = "/",
                Query = "",
            };
            return derived.Uri;
        }
    }

    public override string ToString() => $"{Name} ({Url})";
}
