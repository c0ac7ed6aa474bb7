namespace Scribe.Tests.Endpoints;

/// <summary>A silo without configured endpoints registers and probes its own local speech endpoint.</summary>
public sealed class EmbeddedEndpointTests
{
    [Fact]
    public async Task The_embedded_local_endpoint_is_registered_and_probed_under_its_health_prefix()
    {
        await using var silo = await TestSilo.StartAsync(new Dictionary<string, string?> { ["Inference:ProbeIntervalMs"] = "100" });
        var local = await Eventually.ReturnsAsync(
            async () => (await silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/endpoints", UriKind.Relative))).EnumerateArray().SingleOrDefault(),
            e => e.ValueKind == JsonValueKind.Object && e.GetProperty("health").GetString() != "unknown",
            "the embedded endpoint is probed",
            TimeSpan.FromSeconds(20));

        Assert.Equal("local", local.GetProperty("name").GetString());
        Assert.EndsWith("/local-speech/", local.GetProperty("healthUrl").GetString(), StringComparison.Ordinal);
        Assert.Equal("healthy", local.GetProperty("health").GetString());
    }
}
