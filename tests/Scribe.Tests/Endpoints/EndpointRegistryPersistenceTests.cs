using System.Net;

namespace Scribe.Tests.Endpoints;

/// <summary>The registry on Redis storage: admin changes outlive the silo that made them.</summary>
public sealed class EndpointRegistryPersistenceTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Added_removed_and_drained_endpoints_survive_a_silo_restart_and_configuration_does_not_reseed()
    {
        var settings = _redis.ClusterSettings("endpoints");
        settings["Inference:ProbeIntervalMs"] = "200";
        foreach (var (i, name) in new[] { (0, "gpu-1"), (1, "gpu-2") })
        {
            settings[$"Inference:Endpoints:{i}:Name"] = name;
            settings[$"Inference:Endpoints:{i}:Url"] = "ws://127.0.0.1:9/v1/realtime";
            settings[$"Inference:Endpoints:{i}:Model"] = "voxtral";
        }

        await using (var first = await TestSilo.StartAsync(settings))
        {
            await Eventually.HoldsAsync(async () => (await NamesAsync(first)).Count == 2, "the registry lists its endpoints");
            var added = await first.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative),
                new { name = "gpu-3", url = "ws://10.0.0.3:8000/v1/realtime", model = "voxtral", maxSessions = 5 });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await first.Admin.DeleteAsync(new Uri("/api/endpoints/gpu-2", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await first.Admin.PostAsync(new Uri("/api/endpoints/gpu-1/drain", UriKind.Relative), null)).StatusCode);
        }

        await using var second = await TestSilo.StartAsync(settings);
        await Eventually.HoldsAsync(async () => (await NamesAsync(second)).Count > 0, "the registry lists its endpoints");
        var list = await ListAsync(second);

        Assert.Equal(["gpu-1", "gpu-3"], list.Select(e => e.GetProperty("name").GetString()));
        Assert.True(list[0].GetProperty("drained").GetBoolean());
        Assert.Equal(5, list[1].GetProperty("maxSessions").GetInt32());
    }

    private static async Task<List<JsonElement>> ListAsync(TestSilo silo) =>
        [.. (await silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/endpoints", UriKind.Relative))).EnumerateArray()];

    private static async Task<List<string?>> NamesAsync(TestSilo silo) => [.. (await ListAsync(silo)).Select(e => e.GetProperty("name").GetString())];
}
