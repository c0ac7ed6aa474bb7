namespace Scribe.Tests.Endpoints;

public sealed class EndpointMetricsTests
{
    [Fact]
    public void The_load_gauges_are_read_from_prometheus_text_labelled_series_summed()
    {
        const string text = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="voxtral"} 3.0
            vllm:num_requests_running{engine="1",model_name="voxtral"} 2.0
            vllm:num_requests_waiting{model_name="voxtral"} 1
            vllm:websocket_connections_active 7
            vllm:kv_cache_usage_perc{model_name="voxtral"} 0.42
            vllm:prompt_tokens_total{model_name="voxtral"} 12345 1700000000000
            """;

        var load = VllmMetricsText.Parse(text);

        Assert.Equal(new EndpointLoad(7, 5, 1, 0.42), load);
        Assert.Equal(8, load.Total);
    }

    [Fact]
    public void The_kv_cache_usage_of_a_multi_engine_server_is_its_fullest_engine_not_the_sum()
    {
        // A data-parallel vLLM reports one KV-cache gauge per engine; each engine has its own cache.
        const string text = """
            # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
            # TYPE vllm:kv_cache_usage_perc gauge
            vllm:kv_cache_usage_perc{engine="0",model_name="voxtral"} 0.35
            vllm:kv_cache_usage_perc{engine="1",model_name="voxtral"} 0.8
            vllm:kv_cache_usage_perc{engine="2",model_name="voxtral"} 0.1
            vllm:num_requests_running{engine="0",model_name="voxtral"} 4
            vllm:num_requests_running{engine="1",model_name="voxtral"} 6
            vllm:num_requests_running{engine="2",model_name="voxtral"} 1
            """;

        var load = VllmMetricsText.Parse(text);

        Assert.Equal(0.8, load.KvCacheUsage);
        Assert.Equal(11, load.RequestsRunning);
    }

    [Fact]
    public void Missing_gauges_are_null_and_garbage_is_ignored()
    {
        var load = VllmMetricsText.Parse("garbage line\nvllm:num_requests_running NaN\n{}\nvllm:gpu_cache_usage_perc 0.9\n");
        Assert.Equal(new EndpointLoad(null, null, null, 0.9), load);
        Assert.Equal(0, load.Total);
    }

    [Fact]
    public void The_health_base_is_derived_from_the_realtime_url_or_given()
    {
        Assert.Equal("http://gpu-1:8000/", new InferenceEndpoint("a", new Uri("ws://gpu-1:8000/v1/realtime"), "m", 1).HealthBase.ToString());
        Assert.Equal("https://gpu-2/", new InferenceEndpoint("b", new Uri("wss://gpu-2/v1/realtime"), "m", 1).HealthBase.ToString());
        Assert.Equal("http://silo:5000/local-speech/",
            new InferenceEndpoint("local", new Uri("ws://silo:5000/v1/realtime"), "m", 1, HealthUrl: new Uri("http://silo:5000/local-speech")).HealthBase.ToString());
    }
}
