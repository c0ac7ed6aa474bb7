using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Scribe.LocalSpeech;

public static class LocalSpeechEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves vLLM's realtime transcription protocol at <paramref name="path"/>, backed by PocketSphinx.
    /// Needs <see cref="LocalSpeechServiceCollectionExtensions.AddLocalSpeech"/>; brings its own WebSocket
    /// middleware, so the host need not call <c>UseWebSockets</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapLocalSpeech(this IEndpointRouteBuilder app, string path = "/v1/realtime")
    {
        var pipeline = app.CreateApplicationBuilder();
        pipeline.UseWebSockets();
        pipeline.Run(context => context.RequestServices.GetRequiredService<LocalSpeechEndpoint>().HandleAsync(context));
        app.Map(path, pipeline.Build()).WithDisplayName("Local speech realtime");
        return app;
    }

    /// <summary>
    /// Serves what a balancer probes on a vLLM server: <c>GET {prefix}/health</c> (200 serving, 503 when the
    /// model is missing) and <c>GET {prefix}/metrics</c> in Prometheus text with the unlabelled gauges
    /// <c>vllm:websocket_connections_active</c>, <c>vllm:num_requests_running</c>,
    /// <c>vllm:num_requests_waiting</c> (always 0: sessions over the cap are refused, not queued) and
    /// <c>local_speech_max_sessions</c>. Use a <paramref name="prefix"/> (e.g. <c>/local-speech</c>) when the
    /// host already serves <c>/metrics</c> itself.
    /// </summary>
    public static IEndpointRouteBuilder MapLocalSpeechHealth(this IEndpointRouteBuilder app, string prefix = "")
    {
        var root = prefix.TrimEnd('/');
        app.MapGet($"{root}/health", new RequestDelegate(WriteHealthAsync)).WithDisplayName("Local speech health");
        app.MapGet($"{root}/metrics", new RequestDelegate(WriteMetricsAsync)).WithDisplayName("Local speech metrics");
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<LocalSpeechOptions>>().Value;
        var missing = SphinxModel.FromDirectory(options.ModelDirectory).FindMissingFile();
        context.Response.StatusCode = missing is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        return context.Response.WriteAsync(missing is null ? "ok" : $"model file missing: {missing}", context.RequestAborted);
    }

    private static Task WriteMetricsAsync(HttpContext context)
    {
        var sessions = context.RequestServices.GetRequiredService<LocalSpeechSessions>();
        var text = new StringBuilder();
        Gauge(text, "vllm:websocket_connections_active", "Open realtime WebSocket sessions.", sessions.Active);
        Gauge(text, "vllm:num_requests_running", "Generations between commit and done.", sessions.Running);
        Gauge(text, "vllm:num_requests_waiting", "Always 0: sessions over the cap are refused, not queued.", 0);
        Gauge(text, "local_speech_max_sessions", "Sessions this endpoint admits at once.", sessions.MaxSessions);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }

    private static void Gauge(StringBuilder text, string name, string help, int value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
}
