using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Scribe.Endpoints;

/// <summary>
/// Per silo: seeds the registry with the endpoints this silo was configured with (the first silo wins), then
/// every probe interval reports this silo's sessions per endpoint and hands the registry's snapshot to the
/// <see cref="EndpointBalancer"/>. Placement therefore never waits on a grain call.
/// </summary>
public sealed partial class EndpointRegistryLink(
    IServiceProvider services,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<InferenceOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<EndpointRegistryLink> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await HostStarted.WaitAsync(lifetime, stoppingToken);
        // Resolved only now: the embedded local endpoint's URL exists once Kestrel listens.
        var balancer = services.GetRequiredService<EndpointBalancer>();
        var registry = grains.GetGrain<IEndpointRegistryGrain>(IEndpointRegistryGrain.Key);
        var siloName = silo.SiloAddress.ToParsableString();
        var seeded = false;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.ProbeIntervalMs), time);
        do
        {
            try
            {
                if (!seeded)
                {
                    await registry.SeedAsync(balancer.Endpoints);
                    seeded = true;
                }

                await SyncAsync(balancer, registry, siloName);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Keep placing on the last snapshot: a registry hiccup must not stop transcription.
                LogSyncFailed(e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One exchange with the registry.</summary>
    private static async Task SyncAsync(EndpointBalancer balancer, IEndpointRegistryGrain registry, string siloName)
    {
        await registry.ReportSessionsAsync(siloName, balancer.TakeSessionReport());
        balancer.Apply(await registry.GetSnapshotAsync());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint registry unreachable, placing on the last snapshot: {Reason}")]
    private partial void LogSyncFailed(string reason);
}
