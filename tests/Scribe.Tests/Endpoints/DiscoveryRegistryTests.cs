using System.Net;

namespace Scribe.Tests.Endpoints;

/// <summary>
/// The endpoint registry applying discovery answers on Orleans' test cluster: older answers are ignored, an
/// operator's endpoints and drains are left alone, and what discovery added survives a reactivation.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class DiscoveryRegistryTests(GrainCluster cluster)
{
    private static readonly InferenceDiscoveryOptions Group = new() { Name = "vllm", Host = "vllm.test", Model = "voxtral", MaxGenerations = 8 };
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static InferenceEndpoint At(string address) => Group.EndpointAt(IPAddress.Parse(address));

    private IEndpointRegistryGrain NewRegistry() => cluster.Grains.GetGrain<IEndpointRegistryGrain>("discovery-" + Guid.NewGuid().ToString("N")[..8]);

    private static async Task<Dictionary<string, EndpointStatus>> StatusAsync(IEndpointRegistryGrain registry) =>
        (await registry.GetSnapshotAsync()).Endpoints.ToDictionary(e => e.Definition.Name, e => e.Status);

    [Fact]
    public async Task An_answer_older_than_one_applied_is_ignored()
    {
        var registry = NewRegistry();
        var changes = await registry.ApplyDiscoveryAsync("vllm", [At("10.0.0.1"), At("10.0.0.2")], Start.AddSeconds(10));
        Assert.Equal(2, changes.Added.Count);

        // A slower silo's answer from before: it would remove 10.0.0.2.
        Assert.True((await registry.ApplyDiscoveryAsync("vllm", [At("10.0.0.1")], Start)).IsEmpty);
        Assert.Equal(["vllm-10.0.0.1", "vllm-10.0.0.2"], (await StatusAsync(registry)).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_operators_endpoint_and_drain_are_left_alone_and_discovered_ones_survive_a_reactivation()
    {
        var registry = NewRegistry();
        // An operator's endpoint that happens to carry a discovered name is not taken over.
        var manual = new InferenceEndpoint("vllm-10.0.0.9", new Uri("ws://gpu-9:8000/v1/realtime"), "voxtral", InferenceEndpoint.NoSessionCap, MaxGenerations: 2);
        await registry.AddAsync(manual);
        await registry.ApplyDiscoveryAsync("vllm", [At("10.0.0.1"), At("10.0.0.9")], Start);
        Assert.Equal(EndpointChange.Done, await registry.DrainAsync("vllm-10.0.0.1"));

        // 10.0.0.1 leaves DNS with a session on it, then comes back: the operator's drain stays.
        await registry.ReportSessionsAsync("silo-a", new Dictionary<string, int> { ["vllm-10.0.0.1"] = 1 });
        await registry.ApplyDiscoveryAsync("vllm", [], Start.AddSeconds(1));
        await registry.ApplyDiscoveryAsync("vllm", [At("10.0.0.1")], Start.AddSeconds(2));
        var status = await StatusAsync(registry);
        Assert.True(status["vllm-10.0.0.1"].Drained);
        Assert.Equal(2, status["vllm-10.0.0.9"].MaxGenerations);

        // The record knows what discovery added: after a reactivation (no session reports yet) 10.0.0.1 goes.
        await cluster.DeactivateAsync(registry);
        var changes = await registry.ApplyDiscoveryAsync("vllm", [At("10.0.0.2")], Start.AddSeconds(3));
        Assert.Equal(["vllm-10.0.0.1"], changes.Removed);
        Assert.Equal(["vllm-10.0.0.2", "vllm-10.0.0.9"], (await StatusAsync(registry)).Keys.Order(StringComparer.Ordinal));
    }
}
