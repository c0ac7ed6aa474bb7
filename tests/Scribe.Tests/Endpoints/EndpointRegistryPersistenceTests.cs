using System.Net;

namespace Scribe.Tests.Endpoints;

/// <summary>The registry on Redis storage: admin changes outlive the silo that made them.</summary>
public sealed class EndpointRegistryPersistenceTests() : RigTest(new RigOptions
{
    Silos = 0,
    Redis = true,
    ClusterName = "endpoints",
    FakeVllm = false,
    LiveKitPace = null,
    Settings = new Dictionary<string, string?>
    {
        ["Inference:ProbeIntervalMs"] = "200",
        ["Inference:Endpoints:0:Name"] = "gpu-1",
        ["Inference:Endpoints:0:Url"] = "ws://127.0.0.1:9/v1/realtime",
        ["Inference:Endpoints:0:Model"] = "voxtral",
        ["Inference:Endpoints:0:MaxGenerations"] = "8",
        ["Inference:Endpoints:1:Name"] = "gpu-2",
        ["Inference:Endpoints:1:Url"] = "ws://127.0.0.1:9/v1/realtime",
        ["Inference:Endpoints:1:Model"] = "voxtral",
        ["Inference:Endpoints:1:MaxGenerations"] = "8",
    },
})
{
    [Fact]
    public async Task Added_removed_and_drained_endpoints_survive_a_silo_restart_and_configuration_does_not_reseed()
    {
        var first = await Rig.AddSiloAsync();
        await Eventually.HoldsAsync(async () => (await NamesAsync(first)).Count == 2, "the registry lists its endpoints");
        var added = await first.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative),
            new { name = "gpu-3", url = "ws://10.0.0.3:8000/v1/realtime", model = "voxtral", maxSessions = 5 });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await first.Admin.DeleteAsync(new Uri("/api/endpoints/gpu-2", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.Admin.PostAsync(new Uri("/api/endpoints/gpu-1/drain", UriKind.Relative), null)).StatusCode);
        await Rig.RemoveSiloAsync(first, kill: false);

        var second = await Rig.AddSiloAsync();
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
