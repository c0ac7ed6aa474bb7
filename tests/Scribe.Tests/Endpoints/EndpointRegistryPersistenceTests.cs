using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scribe.Tests.Cluster;

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
        var settings = new Dictionary<string, string?>
        {
            ["Cluster:Provider"] = "Redis",
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["Cluster:ClusterId"] = "endpoints-" + Guid.NewGuid().ToString("N")[..8],
            ["Inference:ProbeIntervalMs"] = "200",
            ["Inference:Endpoints:0:Name"] = "gpu-1",
            ["Inference:Endpoints:0:Url"] = "ws://127.0.0.1:9/v1/realtime",
            ["Inference:Endpoints:0:Model"] = "voxtral",
            ["Inference:Endpoints:0:MaxGenerations"] = "8",
            ["Inference:Endpoints:1:Name"] = "gpu-2",
            ["Inference:Endpoints:1:Url"] = "ws://127.0.0.1:9/v1/realtime",
            ["Inference:Endpoints:1:Model"] = "voxtral",
            ["Inference:Endpoints:1:MaxGenerations"] = "8",
        };

        await using (var first = await TestSilo.StartAsync(settings))
        {
            await WaitUntilAsync(async () => (await NamesAsync(first)).Count == 2);
            var added = await first.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative),
                new { name = "gpu-3", url = "ws://10.0.0.3:8000/v1/realtime", model = "voxtral", maxSessions = 5 });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await first.Admin.DeleteAsync(new Uri("/api/endpoints/gpu-2", UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await first.Admin.PostAsync(new Uri("/api/endpoints/gpu-1/drain", UriKind.Relative), null)).StatusCode);
        }

        await using var second = await TestSilo.StartAsync(settings);
        await WaitUntilAsync(async () => (await NamesAsync(second)).Count > 0);
        var list = await ListAsync(second);

        Assert.Equal(["gpu-1", "gpu-3"], list.Select(e => e.GetProperty("name").GetString()));
        Assert.True(list[0].GetProperty("drained").GetBoolean());
        Assert.Equal(5, list[1].GetProperty("maxSessions").GetInt32());
    }

    private static async Task<List<JsonElement>> ListAsync(TestSilo silo) =>
        [.. (await silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/endpoints", UriKind.Relative))).EnumerateArray()];

    private static async Task<List<string?>> NamesAsync(TestSilo silo) => [.. (await ListAsync(silo)).Select(e => e.GetProperty("name").GetString())];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(100, timeout.Token);
        }
    }
}
