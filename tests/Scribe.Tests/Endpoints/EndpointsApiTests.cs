using System.Net;

namespace Scribe.Tests.Endpoints;

/// <summary><c>/api/endpoints</c> on a real silo with one fake vLLM configured.</summary>
public sealed class EndpointsApiTests() : RigTest(new RigOptions
{
    LiveKitPace = null,
    VllmCapacity = 8,
    MaxSessions = 8,
    Settings = new Dictionary<string, string?>
    {
        ["Inference:ProbeIntervalMs"] = "100",
        ["Inference:Endpoints:0:ApiKey"] = "secret-gpu-key",
    },
})
{
    [Fact]
    public async Task Every_route_refuses_calls_without_the_admin_key()
    {
        using var anonymous = new HttpClient { BaseAddress = Rig.Silo.Url };
        var calls = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, "/api/endpoints"), (HttpMethod.Post, "/api/endpoints"), (HttpMethod.Delete, "/api/endpoints/gpu-1"),
            (HttpMethod.Post, "/api/endpoints/gpu-1/drain"), (HttpMethod.Post, "/api/endpoints/gpu-1/undrain"),
        };
        foreach (var (method, path) in calls)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            request.Headers.Authorization = new("Bearer", "wrong-key-wrong-key");
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(request)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/endpoints", UriKind.Relative))).StatusCode);
        Assert.False((await List()).Single().GetProperty("drained").GetBoolean());
    }

    [Fact]
    public async Task The_configured_endpoint_is_listed_in_camel_case_probed_healthy_and_without_its_api_key()
    {
        await Eventually.HoldsAsync(async () => (await List()).Single().GetProperty("health").GetString() == "healthy", "gpu-1 is probed healthy", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        var raw = await Rig.Silo.Admin.GetStringAsync(new Uri("/api/endpoints", UriKind.Relative));
        var status = (await List()).Single();

        Assert.Equal("gpu-1", status.GetProperty("name").GetString());
        Assert.Equal(Rig.Vllm.RealtimeUrl.ToString(), status.GetProperty("url").GetString());
        Assert.Equal(Rig.Vllm.Model, status.GetProperty("model").GetString());
        Assert.Equal(8, status.GetProperty("maxSessions").GetInt32());
        Assert.Equal(0, status.GetProperty("sessions").GetInt32());
        Assert.Equal(0, status.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(Rig.Vllm.HttpUrl.ToString(), status.GetProperty("healthUrl").GetString());
        Assert.DoesNotContain("secret-gpu-key", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("apiKey", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Add_validates_its_input_refuses_a_duplicate_name_and_remove_takes_it_away()
    {
        var valid = new { name = "gpu-2", url = "ws://10.0.0.2:8000/v1/realtime", model = "voxtral", maxSessions = 12, apiKey = "k" };
        var added = await Rig.Silo.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative), valid);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var body = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("gpu-2", body.GetProperty("name").GetString());
        Assert.Equal(12, body.GetProperty("maxSessions").GetInt32());
        Assert.Equal(2, (await List()).Count);

        Assert.Equal(HttpStatusCode.Conflict, (await Rig.Silo.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative), valid with { name = "GPU-2" })).StatusCode);

        object[] invalid =
        [
            valid with { name = "" },
            valid with { name = "has space" },
            valid with { url = "http://10.0.0.2:8000/v1/realtime" },
            valid with { url = "not a url" },
            valid with { model = " " },
            valid with { maxSessions = 0 },
            new { name = "gpu-3", url = "ws://h/v1/realtime", model = "m" }, // maxSessions missing
        ];
        foreach (var body400 in invalid)
        {
            var refused = await Rig.Silo.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative), body400);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using var notJson = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await Rig.Silo.Admin.PostAsync(new Uri("/api/endpoints", UriKind.Relative), notJson)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Rig.Silo.Admin.DeleteAsync(new Uri("/api/endpoints/gpu-2", UriKind.Relative))).StatusCode);
        Assert.Equal(["gpu-1"], (await List()).Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Drain_and_undrain_flip_the_flag_and_unknown_names_are_404()
    {
        var drained = await Rig.Silo.Admin.PostAsync(new Uri("/api/endpoints/gpu-1/drain", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        var status = await drained.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(status.GetProperty("drained").GetBoolean());
        Assert.True(status.GetProperty("drainComplete").GetBoolean()); // holds no sessions

        var undrained = await Rig.Silo.Admin.PostAsync(new Uri("/api/endpoints/gpu-1/undrain", UriKind.Relative), null);
        Assert.False((await undrained.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("drained").GetBoolean());

        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Post, new Uri("/api/endpoints/nope/drain", UriKind.Relative)),
            new HttpRequestMessage(HttpMethod.Post, new Uri("/api/endpoints/nope/undrain", UriKind.Relative)),
            new HttpRequestMessage(HttpMethod.Delete, new Uri("/api/endpoints/nope", UriKind.Relative)),
        })
        {
            using var response = await Rig.Silo.Admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            request.Dispose();
        }
    }

    private async Task<List<JsonElement>> List() =>
        [.. (await Rig.Silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/endpoints", UriKind.Relative))).EnumerateArray()];
}
