using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Scribe.Rooms;
using RedisConfiguration = StackExchange.Redis.ConfigurationOptions;

namespace Scribe.Silo.Hosting;

/// <summary>The Orleans silo: clustering, grain storage and the grain directory.</summary>
public static class OrleansRegistration
{
    public static WebApplicationBuilder AddScribeOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cluster = ValidatedOptions.Bind<ClusterHostingOptions>(configuration, ClusterHostingOptions.Section,
            o => o.RedisConnectionString ??= configuration.GetConnectionString("Redis"));

        builder.UseOrleans(silo =>
        {
            ConfigureRuntime(silo, cluster);
            if (cluster.Provider == ClusterProvider.Localhost)
            {
                UseLocalhost(silo, cluster);
            }
            else
            {
                UseRedis(silo, cluster);
            }
        });
        return builder;
    }

    private static void ConfigureRuntime(ISiloBuilder silo, ClusterHostingOptions cluster)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = cluster.ServiceId;
            o.ClusterId = cluster.ClusterId;
        });
        if (!string.IsNullOrWhiteSpace(cluster.SiloName))
        {
            silo.Configure<SiloOptions>(o => o.SiloName = cluster.SiloName);
        }

        silo.AddDashboard();
        // Grain state as plain System.Text.Json. Orleans' default (Newtonsoft) names runtime types in the JSON and
        // fills a property's existing value on read: it wrote one speaker's usage into the shared zero every
        // record starts from, and could not read back a list made by a collection expression.
        silo.UseSystemTextJsonGrainStorageSerializer();
        // Orleans' default directory deactivates every grain whose registration lived on a silo that shuts down,
        // which would cut speakers on the silos that stay. This directory hands its ranges over instead.
#pragma warning disable ORLEANSEXP003
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        // After a crash it holds the dead silo's grains back from reactivating for a lease, in case the silo still
        // runs. The lease counts from the estimated failure; one failure-detection window (probe timeout × missed
        // probes, already waited before the death is declared) lets a speaker come back within seconds, not ~15 s.
        silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = TimeSpan.FromMilliseconds(cluster.ProbeTimeoutMs * cluster.MissedProbesLimit));
        // Orleans' defaults notice a dead silo in tens of seconds; speakers on it should move within a few.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromMilliseconds(cluster.ProbeTimeoutMs);
            o.NumMissedProbesLimit = cluster.MissedProbesLimit;
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });
    }

    private static void UseLocalhost(ISiloBuilder silo, ClusterHostingOptions cluster)
    {
        var primary = cluster.PrimarySiloPort > 0 ? new IPEndPoint(IPAddress.Loopback, cluster.PrimarySiloPort) : null;
        silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, primary, cluster.ServiceId, cluster.ClusterId);
        silo.AddMemoryGrainStorage(StorageNames.State);
        silo.AddMemoryGrainStorage(StorageNames.Transcripts);
    }

    private static void UseRedis(ISiloBuilder silo, ClusterHostingOptions cluster)
    {
        var redis = RedisConfiguration.Parse(cluster.RedisConnectionString!);
        silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
        foreach (var storage in new[] { StorageNames.State, StorageNames.Transcripts })
        {
            // Cleared state is deleted, not kept as an empty record: an erased room leaves no key behind.
            silo.AddRedisGrainStorage(storage, o =>
            {
                o.ConfigurationOptions = redis;
                o.DeleteStateOnClear = true;
            });
        }

        var advertised = cluster.AdvertisedIp is { } ip ? IPAddress.Parse(ip) : null;
        if (advertised is not null)
        {
            silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
        }
        else
        {
            silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort);
        }
    }
}
