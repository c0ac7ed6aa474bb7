using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orleans.Configuration;
using Scribe.Audio;
using Scribe.Endpoints;
using Scribe.Ingest;
using Scribe.LiveKit;
using Scribe.LocalSpeech;
using Scribe.Silo.Webhooks;
using Scribe.Notifications;
using Scribe.Participants;
using Scribe.Realtime;
using Scribe.Rooms;
using Scribe.Silo.Api;
using Scribe.Silo.Client;
using Scribe.Silo.Dashboard;
using Orleans.Dashboard;
using Scribe.Silo.Ingest;
using Scribe.Telemetry;
using OpenTelemetry.Metrics;
using RedisConfiguration = StackExchange.Redis.ConfigurationOptions;
using Scribe.Egress;
using Scribe.Captions;

namespace Scribe.Silo.Hosting;

/// <summary>The silo's wiring: configuration, Orleans, services, and HTTP routes. Program.cs reads as its outline.</summary>
public static class ScribeSilo
{
    public const string ParticipantStorage = "state";

    /// <summary>Binds and validates configuration, then registers Orleans and the cluster's services.</summary>
    /// <exception cref="InvalidConfigurationException">A setting is missing or wrong.</exception>
    public static WebApplicationBuilder AddScribeSilo(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var cluster = ValidatedOptions.Bind<ClusterHostingOptions>(configuration, ClusterHostingOptions.Section,
            o => o.RedisConnectionString ??= configuration.GetConnectionString("Redis"));
        var admin = ValidatedOptions.Bind<AdminOptions>(configuration, AdminOptions.Section);
        var api = ValidatedOptions.Bind<ApiOptions>(configuration, ApiOptions.Section);
        var notifications = ValidatedOptions.Bind<NotificationOptions>(configuration, NotificationOptions.Section);
        var liveKit = ValidatedOptions.Bind<LiveKitOptions>(configuration, LiveKitOptions.Section);
        var ingest = ValidatedOptions.Bind<IngestOptions>(configuration, IngestOptions.Section,
            o => o.PublicUrl = ExpandHostPlaceholders(o.PublicUrl));
        var inference = ValidatedOptions.Bind<InferenceOptions>(configuration, InferenceOptions.Section);
        var transcription = ValidatedOptions.Bind<TranscriberOptions>(configuration, TranscriberOptions.Section);
        var transcripts = ValidatedOptions.Bind<TranscriptOptions>(configuration, TranscriptOptions.Section);
        var activation = ValidatedOptions.Bind<TranscriptionActivationOptions>(configuration, TranscriptionActivationOptions.Section);

        // ASP.NET Core logs every request's query string at Information ("Request starting …"), and egress dials
        // /ingest with its token in the query: keep those lines out of the logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(admin));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(api));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(notifications));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(transcription));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(transcripts));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(activation));
        services.AddSingleton<IBackendEvents, OutboxBackendEvents>();
        services.AddSingleton<RoomTranscriptFeed>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SpeakerStreams>();
        services.AddSingleton<SpeakerPipelineFactory>();
        services.AddSingleton(sp => transcription.VadMode == VoiceActivityMode.Energy
            ? VoiceActivityDetectors.EnergyOnly(transcription.SpeechThresholdDbfs)
            : VoiceActivityDetectors.Load(
                transcription.VadModelPath, transcription.SpeechThresholdDbfs, sp.GetRequiredService<ILoggerFactory>().CreateLogger<VoiceActivityDetectors>(),
                transcription.VadGateDbfs));
        var clusterSecret = System.Text.Encoding.UTF8.GetBytes(ingest.TokenSecret ?? liveKit.ApiSecret);
        services.AddSingleton(new IngestToken(clusterSecret));
        services.AddSingleton(new ViewerToken(clusterSecret));
        services.AddSingleton(new WebhookReceiver(liveKit.ApiKey, liveKit.ApiSecret));
        services.AddHttpClient(LiveKitOptions.Section, http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(sp => new EgressClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(LiveKitOptions.Section), liveKit, sp.GetService<ILogger<EgressClient>>()));
        services.AddSingleton(sp => new RoomServiceClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(LiveKitOptions.Section), liveKit, sp.GetService<ILogger<RoomServiceClient>>()));
        services.AddSingleton<ITrackEgress, LiveKitTrackEgress>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(liveKit));
        services.AddSingleton<ITranscriptDataChannel>(sp => liveKit.PublishTranscripts
            ? new LiveKitTranscriptDataChannel(sp.GetRequiredService<RoomServiceClient>())
            : new NoTranscriptDataChannel());
        services.AddSingleton<RoomReconciler>();
        services.AddSingleton<RoomEvents>();
        services.AddSingleton(sp => new IngestAddress(
            ingest.PublicUrl.Length > 0 ? new Uri(ingest.PublicUrl) : OwnUrl(sp),
            ingest.TokenTtlSeconds,
            sp.GetRequiredService<IngestToken>(),
            sp.GetRequiredService<TimeProvider>()));
        // With no endpoints configured, this silo serves its own local speech endpoint and uses it.
        var embeddedSpeech = inference.Endpoints.Count == 0;
        if (embeddedSpeech)
        {
            services.AddLocalSpeech(configuration.GetSection(LocalSpeechOptions.Section));
            services.AddSingleton<EmbeddedLocalSpeech>();
        }

        // The balancer starts on the configured endpoints; they seed the cluster's registry, whose snapshot then rules.
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(inference));
        services.AddSingleton(sp => new EndpointBalancer(
            embeddedSpeech ? [EmbeddedLocalSpeech.Endpoint(sp)] : inference.ToEndpoints(), slots: new ClusterGenerationSlots(sp.GetRequiredService<IGrainFactory>())));
        services.AddSingleton<IEndpointPicker>(sp => sp.GetRequiredService<EndpointBalancer>());
        services.AddHttpClient(EndpointHealthProbe.HttpClientName);
        services.AddHostedService<EndpointRegistryLink>();
        services.AddHostedService<EndpointHealthProbe>();
        services.AddHostedService<SpeakerRecovery>();
        services.AddHostedService<SpeakerHandoff>();
        services.AddSingleton<ApiCredentials>();
        services.AddSingleton<ApiAuthFilter>();
        services.ConfigureHttpJsonOptions(o => ScribeApi.Configure(o.SerializerOptions));
        services.AddOpenApi(ScribeOpenApi.Configure);
        services.AddHttpClient(NotificationDelivery.HttpClientName);
        services.AddSingleton<NotificationDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDelivery>());
        services.AddScribeDashboard();
        services.AddProblemDetails();

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            // System.Runtime: GC pauses, thread pool queue, CPU, which a latency tail under load is read against.
            .AddMeter(ScribeMetrics.MeterName, "Microsoft.Orleans", "System.Runtime")
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = cluster.ServiceId;
                o.ClusterId = cluster.ClusterId;
            });
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
            if (cluster.Provider == ClusterProvider.Localhost)
            {
                var primary = cluster.PrimarySiloPort > 0 ? new IPEndPoint(IPAddress.Loopback, cluster.PrimarySiloPort) : null;
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, primary, cluster.ServiceId, cluster.ClusterId);
                silo.AddMemoryGrainStorage(ParticipantStorage);
                silo.AddMemoryGrainStorage(RoomGrain.StorageName);
            }
            else
            {
                var redis = RedisConfiguration.Parse(cluster.RedisConnectionString!);
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
                // Cleared state is deleted, not kept as an empty record: an erased room leaves no key behind.
                silo.AddRedisGrainStorage(ParticipantStorage, o =>
                {
                    o.ConfigurationOptions = redis;
                    o.DeleteStateOnClear = true;
                });
                silo.AddRedisGrainStorage(RoomGrain.StorageName, o =>
                {
                    o.ConfigurationOptions = redis;
                    o.DeleteStateOnClear = true;
                });
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
        });

        return builder;
    }

    /// <summary>Maps every route the silo serves.</summary>
    public static WebApplication MapScribeSilo(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
        app.MapGet("/readyz", (IHostApplicationLifetime lifetime) => lifetime.ApplicationStarted.IsCancellationRequested
            ? Results.Ok(new { status = "ready" })
            : Results.Problem(detail: "starting", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapPrometheusScrapingEndpoint("/metrics");
        // Loaded now, so a missing VAD model is reported once at start rather than at the first speaker.
        app.Services.GetRequiredService<VoiceActivityDetectors>();
        if (app.Services.GetService<EmbeddedLocalSpeech>() is not null)
        {
            app.MapLocalSpeech(EmbeddedLocalSpeech.Path);
            app.MapLocalSpeechHealth(EmbeddedLocalSpeech.HealthPrefix);
        }

        app.MapLiveKitWebhook();
        app.MapIngest();
        app.MapScribeApi();
        app.MapOpenApi(ScribeOpenApi.Path);
        app.MapScribeDashboard();
        app.MapBrowserClient();
        return app;
    }

    /// <summary>
    /// Lets one configuration serve many replicas: <c>{ip}</c> becomes this machine's first non-loopback IPv4
    /// address and <c>{hostname}</c> its host name, so each silo hands egress its own address.
    /// </summary>
    internal static string ExpandHostPlaceholders(string url)
    {
        if (url.Contains("{ip}", StringComparison.Ordinal))
        {
            var ip = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                ?? IPAddress.Loopback;
            url = url.Replace("{ip}", ip.ToString(), StringComparison.Ordinal);
        }

        return url.Replace("{hostname}", Environment.MachineName, StringComparison.Ordinal);
    }

    /// <summary>This silo's own HTTP address, for when no public URL is configured (one machine).</summary>
    internal static Uri OwnUrl(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var first = addresses.FirstOrDefault() ?? throw new InvalidOperationException("The silo is not listening yet; set Ingest:PublicUrl.");
        var url = new UriBuilder(first.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal));
        if (url.Host is "0.0.0.0" or "[::]" or "::")
        {
            url.Host = "127.0.0.1";
        }

        return url.Uri;
    }
}
