namespace Scribe.Tests.Grains;

/// <summary>The endpoint registry on Orleans' test cluster: admin changes persist, reports from silos add up.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class EndpointRegistryGrainTests(GrainCluster cluster)
{
    [Fact]
    public async Task Seeding_happens_once_and_admin_changes_outlive_the_activation()
    {
        var registry = NewRegistry();
        await registry.SeedAsync([Endpoint("gpu-1"), Endpoint("gpu-2")]);
        Assert.Equal(EndpointChange.Done, await registry.AddAsync(Endpoint("gpu-3", maxSessions: 5)));
        Assert.Equal(EndpointChange.Done, await registry.RemoveAsync("gpu-2"));
        Assert.Equal(EndpointChange.Done, await registry.DrainAsync("GPU-1")); // names are case-insensitive

        await cluster.DeactivateAsync(registry);
        await registry.SeedAsync([Endpoint("gpu-1"), Endpoint("gpu-2"), Endpoint("gpu-4")]); // configuration does not reseed

        var endpoints = (await registry.GetSnapshotAsync()).Endpoints;
        Assert.Equal(["gpu-1", "gpu-3"], endpoints.Select(e => e.Definition.Name));
        Assert.True(endpoints[0].Status.Drained);
        Assert.True(endpoints[0].Status.DrainComplete);
        Assert.Equal(5, endpoints[1].Status.MaxSessions);
    }

    [Fact]
    public async Task Changes_to_names_that_do_not_fit_are_refused()
    {
        var registry = NewRegistry();
        Assert.Equal(EndpointChange.Done, await registry.AddAsync(Endpoint("gpu-1")));
        Assert.Equal(EndpointChange.DuplicateName, await registry.AddAsync(Endpoint("Gpu-1")));
        Assert.Equal(EndpointChange.UnknownEndpoint, await registry.RemoveAsync("gpu-9"));
        Assert.Equal(EndpointChange.UnknownEndpoint, await registry.DrainAsync("gpu-9"));
        Assert.Equal(EndpointChange.UnknownEndpoint, await registry.UndrainAsync("gpu-9"));
        Assert.Single((await registry.GetSnapshotAsync()).Endpoints);
    }

    [Fact]
    public async Task Sessions_reported_by_each_silo_add_up_and_a_drained_endpoint_completes_when_none_is_left()
    {
        var registry = NewRegistry();
        await registry.AddAsync(Endpoint("gpu-1"));
        await registry.AddAsync(Endpoint("gpu-2"));
        await registry.DrainAsync("gpu-1");
        await registry.ReportSessionsAsync("silo-a", new Dictionary<string, int> { ["gpu-1"] = 2, ["gpu-2"] = 1 });
        await registry.ReportSessionsAsync("silo-b", new Dictionary<string, int> { ["gpu-1"] = 1 });

        var snapshot = await registry.GetSnapshotAsync();
        Assert.Equal(2, snapshot.PlacingSilos);
        Assert.Equal([3, 1], snapshot.Endpoints.Select(e => e.Status.Sessions));
        Assert.False(snapshot.Endpoints[0].Status.DrainComplete);

        // A silo's report replaces its previous one.
        await registry.ReportSessionsAsync("silo-a", new Dictionary<string, int> { ["gpu-2"] = 1 });
        await registry.ReportSessionsAsync("silo-b", new Dictionary<string, int>());
        snapshot = await registry.GetSnapshotAsync();
        Assert.Equal([0, 1], snapshot.Endpoints.Select(e => e.Status.Sessions));
        Assert.True(snapshot.Endpoints[0].Status.DrainComplete);
    }

    [Fact]
    public async Task Probe_results_set_health_and_an_older_view_does_not_overwrite_a_newer_one()
    {
        var registry = NewRegistry();
        await registry.AddAsync(Endpoint("gpu-1"));
        Assert.Equal(EndpointHealth.Unknown, (await registry.GetSnapshotAsync()).Endpoints[0].Status.Health);

        var now = DateTimeOffset.UtcNow;
        await registry.ReportProbesAsync([new EndpointProbeReport("gpu-1", Healthy: false, ConsecutiveFailures: 3, Load: null, Error: "connection refused", At: now)]);
        await registry.ReportProbesAsync([new EndpointProbeReport("gpu-1", Healthy: true, ConsecutiveFailures: 0, Load: null, Error: null, At: now.AddSeconds(-1))]);

        var status = (await registry.GetSnapshotAsync()).Endpoints[0].Status;
        Assert.Equal((EndpointHealth.Unhealthy, 3, "connection refused"), (status.Health, status.ConsecutiveFailures, status.LastError));
    }

    private static InferenceEndpoint Endpoint(string name, int maxSessions = 4) =>
        new(name, new Uri($"ws://{name}.test:8000/v1/realtime"), "voxtral", maxSessions);

    private IEndpointRegistryGrain NewRegistry() => cluster.Grains.GetGrain<IEndpointRegistryGrain>("registry-" + Guid.NewGuid().ToString("N")[..8]);
}
