using DnsClient;
using Microsoft.Extensions.Logging;

namespace Scribe.Tests.Endpoints;

/// <summary>
/// vLLM replicas found by DNS, through a real silo host and a real DNS server (dnsmasq on loopback) whose records
/// change while the test runs: a new address gets an endpoint within RefreshSeconds, one that goes away is drained
/// while our sessions run there and removed after, and a failing DNS keeps the last known replicas and says so.
/// </summary>
public sealed class EndpointDiscoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ITestOutputHelper _output = output;
    private const string Host = "vllm." + Dnsmasq.Domain;

    private readonly LogCapture _logs = new();
    private readonly int _port = TestSilo.FreePort();
    private readonly List<FakeVllmServer> _replicas = [];
    private Dnsmasq _dns = null!;
    private TestSilo _silo = null!;

    private IEndpointRegistryGrain Registry => _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IEndpointRegistryGrain>(IEndpointRegistryGrain.Key);

    private static Dictionary<string, string[]> Replicas(params string[] addresses) => new() { [Host] = addresses };

    public async Task InitializeAsync()
    {
        // Real servers behind the addresses that stay and the one that arrives, on the group's one port.
        foreach (var address in new[] { "127.0.1.2", "127.0.1.3" })
        {
            _replicas.Add(await FakeVllmServer.StartAsync(listenUrl: $"http://{address}:{_port}"));
        }

        _dns = await Dnsmasq.StartAsync(Replicas("127.0.1.1", "127.0.1.2"));
        _silo = await TestSilo.StartAsync(
            new Dictionary<string, string?>
            {
                ["Inference:Discovery:0:Name"] = "vllm",
                ["Inference:Discovery:0:Host"] = Host,
                ["Inference:Discovery:0:Port"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Inference:Discovery:0:Model"] = "voxtral",
                ["Inference:Discovery:0:MaxGenerations"] = "4",
                ["Inference:Discovery:0:RefreshSeconds"] = "1",
                ["Inference:Discovery:0:ApiKey"] = "vllm-key",
            },
            services =>
            {
                services.AddSingleton(_dns.Client());
                services.AddSingleton<ILoggerProvider>(_logs);
            });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _dns.DisposeAsync();
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private async Task<Dictionary<string, RegisteredEndpoint>> EndpointsAsync() =>
        (await Registry.GetSnapshotAsync()).Endpoints.ToDictionary(e => e.Definition.Name);

    private Task UntilAsync(Func<Dictionary<string, RegisteredEndpoint>, bool> condition, string what) =>
        Eventually.HoldsAsync(async () => condition(await EndpointsAsync()), what, TimeSpan.FromSeconds(20));

    private int ResolveFailuresLogged() =>
        _logs.Entries.Count(e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("keeping the last known replicas", StringComparison.Ordinal));

    [Fact]
    public async Task Each_address_is_an_endpoint_a_new_one_is_added_and_a_gone_one_drained_then_removed()
    {
        await UntilAsync(e => e.ContainsKey("vllm-127.0.1.1") && e.ContainsKey("vllm-127.0.1.2"), "both replicas are registered");
        var first = (await EndpointsAsync())["vllm-127.0.1.1"];
        Assert.Equal(new Uri($"ws://127.0.1.1:{_port}/v1/realtime"), first.Definition.Url);
        Assert.Equal(4, first.Status.MaxGenerations);
        Assert.Equal("vllm-key", first.Definition.ApiKey);
        Assert.False(first.Status.Drained);
        Assert.Null(_silo.Services.GetService<Scribe.Silo.Hosting.EmbeddedLocalSpeech>()); // discovery replaces the local endpoint

        // Another silo holds a session on the first replica when it leaves DNS.
        await Registry.ReportSessionsAsync("another-silo", new Dictionary<string, int> { ["vllm-127.0.1.1"] = 1 });
        var changed = System.Diagnostics.Stopwatch.StartNew();
        await _dns.SetRecordsAsync(Replicas("127.0.1.2", "127.0.1.3"));

        await UntilAsync(e => e.ContainsKey("vllm-127.0.1.3"), "the new replica is registered");
        _output.WriteLine($"new replica registered {changed.ElapsedMilliseconds} ms after the DNS change (RefreshSeconds 1)");
        // The silo's health probe reaches it at the address DNS gave: it is a usable endpoint with its slots.
        await UntilAsync(e => e["vllm-127.0.1.3"].Status.Health == EndpointHealth.Healthy, "the new replica is probed healthy");
        _output.WriteLine($"new replica healthy {changed.ElapsedMilliseconds} ms after the DNS change");
        await UntilAsync(e => e.TryGetValue("vllm-127.0.1.1", out var gone) && gone.Status.Drained, "the gone replica is drained");
        var endpoints = await EndpointsAsync();
        Assert.False(endpoints["vllm-127.0.1.1"].Status.DrainComplete);
        Assert.False(endpoints["vllm-127.0.1.2"].Status.Drained);
        Assert.False(endpoints["vllm-127.0.1.3"].Status.Drained);

        // Its session ends (the generation finished and the speaker moved): it is removed at the next refresh.
        await Registry.ReportSessionsAsync("another-silo", new Dictionary<string, int>());
        await UntilAsync(e => !e.ContainsKey("vllm-127.0.1.1"), "the drained replica is removed once nothing runs there");
        Assert.Equal(["vllm-127.0.1.2", "vllm-127.0.1.3"], (await EndpointsAsync()).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, ResolveFailuresLogged());
    }

    [Fact]
    public async Task A_name_without_addresses_or_a_dead_dns_server_keeps_the_last_known_replicas_and_says_so()
    {
        await UntilAsync(e => e.Count == 2, "both replicas are registered");

        await _dns.SetRecordsAsync(Replicas()); // NXDOMAIN
        await Eventually.HoldsAsync(() => ResolveFailuresLogged() >= 2, "the empty answer is logged", TimeSpan.FromSeconds(20));
        var endpoints = await EndpointsAsync();
        Assert.Equal(["vllm-127.0.1.1", "vllm-127.0.1.2"], endpoints.Keys.Order(StringComparer.Ordinal));
        Assert.All(endpoints.Values, e => Assert.False(e.Status.Drained));

        await _dns.StopAsync(); // every query times out
        var failures = ResolveFailuresLogged();
        await Eventually.HoldsAsync(() => ResolveFailuresLogged() >= failures + 2, "the timeouts are logged", TimeSpan.FromSeconds(20));
        endpoints = await EndpointsAsync();
        Assert.Equal(["vllm-127.0.1.1", "vllm-127.0.1.2"], endpoints.Keys.Order(StringComparer.Ordinal));
        Assert.All(endpoints.Values, e => Assert.False(e.Status.Drained));
    }
}
