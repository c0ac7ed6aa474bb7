using OpenTelemetry.Metrics;
using Scribe.Telemetry;

namespace Scribe.Silo.Hosting;

/// <summary>Metrics, exported for Prometheus at <c>/metrics</c>.</summary>
public static class TelemetryRegistration
{
    public static WebApplicationBuilder AddScribeTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddScribeMetrics();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            // System.Runtime: GC pauses, thread pool queue, CPU, which a latency tail under load is read against.
            .AddMeter(ScribeMetrics.MeterName, "Microsoft.Orleans", "System.Runtime")
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }
}
