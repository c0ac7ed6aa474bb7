namespace Scribe.Tests.Endpoints;

/// <summary>A silo without configured endpoints registers and probes its own local speech endpoint.</summary>
public sealed class EmbeddedEndpointTests
{
    [Fact]
    public async Task The_embedded_local_endpoint_is_registered_and_probed_under_its_health_prefix()
    {
        await using var silo = await TestSilo.StartAsync(new Dictionary<string, string?> { ["Inference:ProbeIntervalMs"] = "100" });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        JsonElement local;
        while (true)
        {
            var list = await silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/endpoints", UriKind.Relative), timeout.Token);
            local = list.EnumerateArray().SingleOrDefault();
            if (local.ValueKind == JsonValueKind.Object && local.GetProperty("health").GetString() != "unknown")
            {
                break;
            }

            await Task.Delay(50, timeout.Token);
        }

        Assert.Equal("local", local.GetProperty("name").GetString());
        Assert.EndsWith("/local-speech/", local.GetProperty("healthUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal("healthy", local.GetProperty("health").GetString());
    }
}
