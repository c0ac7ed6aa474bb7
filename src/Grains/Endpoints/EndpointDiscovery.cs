using System.Net;
using DnsClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scribe.Telemetry;

namespace Scribe.Endpoints;

/// <summary>
/// Per silo, per <c>Inference:Discovery</c> group: resolves the group's host name every <c>RefreshSeconds</c> and
/// hands the replicas found to the endpoint registry, which adds and drains (<see cref="ReplicaReconciliation"/>).
/// Every silo resolves; the registry ignores an answer older than one it applied. A failed or empty answer
/// changes nothing: the last known replicas stay, and the failure is logged and counted.
/// </summary>
public sealed partial class EndpointDiscovery(
    IServiceProvider services,
    IGrainFactory grains,
    IOptions<InferenceOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ScribeMetrics metrics,
    ILogger<EndpointDiscovery> logger) : BackgroundService
{
    /// <summary>The resolver the silo uses unless one is registered: the machine's name servers, no cache (each refresh asks).</summary>
    public static IDnsQuery SystemResolver() => new LookupClient(new LookupClientOptions
    {
        UseCache = false,
        Timeout = TimeSpan.FromSeconds(3),
        Retries = 1,
        ThrowDnsErrors = false,
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var groups = options.Value.Discovery;
        if (groups.Count == 0)
        {
            return;
        }

        await HostStarted.WaitAsync(lifetime, stoppingToken);
        // Resolved only now: a silo without discovery never reads the machine's resolver configuration.
        var dns = services.GetRequiredService<IDnsQuery>();
        await Task.WhenAll(groups.Select(group => RunAsync(dns, group, stoppingToken)));
    }

    private async Task RunAsync(IDnsQuery dns, InferenceDiscoveryOptions group, CancellationToken stoppingToken)
    {
        var registry = grains.GetGrain<IEndpointRegistryGrain>(IEndpointRegistryGrain.Key);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(group.RefreshSeconds), time);
        var failing = false;
        do
        {
            try
            {
                var resolvedAt = time.GetUtcNow();
                if (await ResolveAsync(dns, group, stoppingToken) is not { } addresses)
                {
                    failing = true;
                    continue;
                }

                if (failing)
                {
                    LogResolvedAgain(group.Name, group.Host, addresses.Count);
                    failing = false;
                }

                var changes = await registry.ApplyDiscoveryAsync(group.Name, [.. addresses.Select(group.EndpointAt)], resolvedAt);
                if (!changes.IsEmpty)
                {
                    LogChanged(group.Name, changes.ToString());
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRegistryFailed(group.Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>The group's addresses (IPv4; IPv6 when the name has none), or null when DNS failed or found none.</summary>
    private async Task<IReadOnlyList<IPAddress>?> ResolveAsync(IDnsQuery dns, InferenceDiscoveryOptions group, CancellationToken cancellationToken)
    {
        string? failure;
        try
        {
            var addresses = await QueryAsync(dns, group.Host, QueryType.A, cancellationToken);
            if (addresses.Count == 0)
            {
                addresses = await QueryAsync(dns, group.Host, QueryType.AAAA, cancellationToken);
            }

            if (addresses.Count > 0)
            {
                return addresses;
            }

            failure = "no address";
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            failure = e.Message;
        }

        metrics.DiscoveryFailures.Add(1, new KeyValuePair<string, object?>("group", group.Name));
        LogResolveFailed(group.Name, group.Host, failure);
        return null;
    }

    private static async Task<List<IPAddress>> QueryAsync(IDnsQuery dns, string host, QueryType type, CancellationToken cancellationToken)
    {
        var response = await dns.QueryAsync(host, type, QueryClass.IN, cancellationToken);
        if (response.HasError)
        {
            // NXDOMAIN for a headless Service with no ready pod is "none", not an outage; both keep the last set.
            throw new DnsResponseException(response.ErrorMessage);
        }

        return type == QueryType.A
            ? [.. response.Answers.ARecords().Select(r => r.Address)]
            : [.. response.Answers.AaaaRecords().Select(r => r.Address)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovery group {Group}: {Changes}")]
    private partial void LogChanged(string group, string changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discovery group {Group}: resolving {Host} failed ({Reason}); keeping the last known replicas")]
    private partial void LogResolveFailed(string group, string host, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discovery group {Group}: {Host} resolves again ({Count} addresses)")]
    private partial void LogResolvedAgain(string group, string host, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discovery group {Group}: the endpoint registry could not be updated ({Reason}); trying again at the next refresh")]
    private partial void LogRegistryFailed(string group, string reason);
}
