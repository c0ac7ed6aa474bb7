using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scribe.Telemetry;

namespace Scribe.Endpoints;

/// <summary>
/// Per silo: every <see cref="InferenceOptions.ProbeIntervalMs"/> reads each endpoint's <c>/health</c> and
/// <c>/metrics</c>, counts consecutive failures (unhealthy after <see cref="InferenceOptions.UnhealthyAfterFailures"/>,
/// healthy again after one success) and reports to the registry. Several silos probing is deliberate: the
/// registry keeps the newest report, so a probe path that one silo lost does not blind the cluster for long.
/// </summary>
public sealed partial class EndpointHealthProbe(
    IServiceProvider services,
    IGrainFactory grains,
    IHttpClientFactory http,
    IOptions<InferenceOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ScribeMetrics metrics,
    ILogger<EndpointHealthProbe> logger) : BackgroundService
{
    public const string HttpClientName = "endpoint-probe";

    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await HostStarted.WaitAsync(lifetime, stoppingToken);
        // Resolved only now: the embedded local endpoint's URL exists once Kestrel listens.
        var balancer = services.GetRequiredService<EndpointBalancer>();
        var settings = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(settings.ProbeIntervalMs), time);
        do
        {
            try
            {
                var endpoints = balancer.Endpoints;
                var reports = await Task.WhenAll(endpoints.Select(e => ProbeAsync(e, settings, stoppingToken)));
                foreach (var gone in _failures.Keys.Except(endpoints.Select(e => e.Name)).ToList())
                {
                    _failures.Remove(gone);
                }

                await grains.GetGrain<IEndpointRegistryGrain>(IEndpointRegistryGrain.Key).ReportProbesAsync(reports);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogReportFailed(e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<EndpointProbeReport> ProbeAsync(InferenceEndpoint endpoint, InferenceOptions settings, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ProbeTimeoutMs);
        var client = http.CreateClient(HttpClientName);
        string? error = null;
        EndpointLoad? load = null;
        try
        {
            using var health = await client.GetAsync(new Uri(endpoint.HealthBase, "health"), timeout.Token);
            if (!health.IsSuccessStatusCode)
            {
                error = $"/health answered {(int)health.StatusCode}";
            }
            else
            {
                // Load is best effort: a healthy server whose metrics we cannot read still serves.
                try
                {
                    load = VllmMetricsText.Parse(await client.GetStringAsync(new Uri(endpoint.HealthBase, "metrics"), timeout.Token));
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    LogMetricsUnreadable(endpoint.Name, e.Message);
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            error = e is OperationCanceledException ? $"/health did not answer within {settings.ProbeTimeoutMs} ms" : e.Message;
        }

        var failures = error is null ? 0 : _failures.GetValueOrDefault(endpoint.Name) + 1;
        _failures[endpoint.Name] = failures;
        if (error is not null)
        {
            metrics.EndpointProbeFailures.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint.Name));
        }

        return new EndpointProbeReport(endpoint.Name, failures < settings.UnhealthyAfterFailures, failures, load, error, time.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint probes could not be reported: {Reason}")]
    private partial void LogReportFailed(string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Endpoint {Endpoint}: /metrics unreadable: {Reason}")]
    private partial void LogMetricsUnreadable(string endpoint, string reason);
}
