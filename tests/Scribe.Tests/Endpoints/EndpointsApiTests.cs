using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scribe.Fakes.Vllm;

namespace Scribe.Tests.Endpoints;

/// <summary><c>/api/endpoints</c> on a real silo with one fake vLLM configured.</summary>
public sealed class EndpointsApiTests : IAsyncLifetime
{
    private FakeVllmServer _vllm = null!;
    private TestSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _vllm = await FakeVllmServer.StartAsync(maxSessions: 8);
        _silo = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:ProbeIntervalMs"] = "100",
            ["Inference:Endpoints:0:Name"] = "gpu-1",
            ["Inference:Endpoints:0:Url"] = _vllm.RealtimeUrl.ToString(),
            ["Inference:Endpoints:0:Model"] = _vllm.Model,
            ["Inference:Endpoints:0:MaxSessions"] = "8",
            ["Inference:Endpoints:0:ApiKey"] = "secret-gpu-key",
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _vllm.DisposeAsync();
    }

    [Fact]
    public async Task Every_route_refuses_calls_without_the_admin_key()
    {
        using var anonymous = new HttpClient { BaseAddress = _silo.Url };
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
        await WaitUntilAsync(async () => (await List()).Single().GetProperty("health").GetString() == "healthy");
        var raw = await _silo.Admin.GetStringAsync(new Uri("/api/endpoints", UriKind.Relative));
        var status = (await List()).Single();

        Assert.Equal("gpu-1", status.GetProperty("name").GetString());
        Assert.Equal(_vllm.RealtimeUrl.ToString(), status.GetProperty("url").GetString());
        Assert.Equal(_vllm.Model, status.GetProperty("model").GetString());
        Assert.Equal(8, status.GetProperty("maxSessions").GetInt32());
        Assert.Equal(0, status.GetProperty("sessions").GetInt32());
        Assert.Equal(0, status.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(_vllm.HttpUrl.ToString(), status.GetProperty("healthUrl").GetString());
        Assert.DoesNotContain("secret-gpu-key", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("apiKey", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Add_validates_its_input_refuses_a_duplicate_name_and_remove_takes_it_away()
    {
        var valid = new { name = "gpu-2", url = "ws://10.0.0.2:8000/v1/realtime", model = "voxtral", maxSessions = 12, apiKey = "k" };
        var added = await _silo.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative), valid);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var body = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("gpu-2", body.GetProperty("name").GetString());
        Assert.Equal(12, body.GetProperty("maxSessions").GetInt32());
        Assert.Equal(2, (await List()).Count);

        Assert.Equal(HttpStatusCode.Conflict, (await _silo.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative), valid with { name = "GPU-2" })).StatusCode);

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
            var refused = await _silo.Admin.PostAsJsonAsync(new Uri("/api/endpoints", UriKind.Relative), body400);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using var notJson = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await _silo.Admin.PostAsync(new Uri("/api/endpoints", UriKind.Relative), notJson)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _silo.Admin.DeleteAsync(new Uri("/api/endpoints/gpu-2", UriKind.Relative))).StatusCode);
        Assert.Equal(["gpu-1"], (await List()).Select(e => e.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Drain_and_undrain_flip_the_flag_and_unknown_names_are_404()
    {
        var drained = await _silo.Admin.PostAsync(new Uri("/api/endpoints/gpu-1/drain", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        var status = await drained.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(status.GetProperty("drained").GetBoolean());
        Assert.True(status.GetProperty("drainComplete").GetBoolean()); // holds no sessions

        var undrained = await _silo.Admin.PostAsync(new Uri("/api/endpoints/gpu-1/undrain", UriKind.Relative), null);
        Assert.False((await undrained.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("drained").GetBoolean());

        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Post, new Uri("/api/endpoints/nope/drain", UriKind.Relative)),
            new HttpRequestMessage(HttpMethod.Post, new Uri("/api/endpoints/nope/undrain", UriKind.Relative)),
            new HttpRequestMessage(HttpMethod.Delete, new Uri("/api/endpoints/nope", UriKind.Relative)),
        })
        {
            using var response = await _silo.Admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            request.Dispose();
        }
    }

    private async Task<List<JsonElement>> List() =>
        [.. (await _silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/endpoints", UriKind.Relative))).EnumerateArray()];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
