using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Scribe.Audio;
using Scribe.Ingest;
using Scribe.LiveKit;
using Scribe.LocalSpeech;
using Scribe.Silo.Api;
using Scribe.Silo.Client;
using Scribe.Silo.Dashboard;
using Scribe.Silo.Ingest;
using Scribe.Silo.Webhooks;

namespace Scribe.Silo.Hosting;

/// <summary>The silo's wiring: configuration, Orleans, services, and HTTP routes. Program.cs reads as its outline.</summary>
public static class ScribeSilo
{
    /// <summary>Binds and validates configuration, then registers Orleans and the cluster's services, feature by feature.</summary>
    /// <exception cref="InvalidConfigurationException">A setting is missing or wrong.</exception>
    public static WebApplicationBuilder AddScribeSilo(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        var proxy = ValidatedOptions.Bind<ProxyOptions>(builder.Configuration, ProxyOptions.Section);
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(proxy));
        builder.Services.Configure<ForwardedHeadersOptions>(proxy.Apply);
        builder
            .AddLiveKit()
            .AddIngest()
            .AddRooms()
            .AddSpeechEndpoints()
            .AddTranscription()
            .AddNotifications()
            .AddScribeApi()
            .AddScribeTelemetry()
            // Orleans last, as before: hosted services start in registration order.
            .AddScribeOrleans()
            // After Orleans: the worker takes jobs only once grains can be called, and drains before Orleans stops.
            .AddAgentDispatch();
        // Last, so that it is the first to hear of a stop (see SiloStopping).
        builder.Services.AddSingleton<SiloStopping>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloStopping>());
        return builder;
    }

    /// <summary>Maps every route the silo serves.</summary>
    public static WebApplication MapScribeSilo(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.ForwardedHeaders)
        {
            app.UseForwardedHeaders();
        }

        app.UseCors();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapSiloProbes();
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

    /// <summary>Signs ingest and viewer tokens: <c>Ingest:TokenSecret</c>, or else LiveKit's API secret.</summary>
    internal static byte[] ClusterSecret(IServiceProvider services)
    {
        var ingest = services.GetRequiredService<IOptions<IngestOptions>>().Value;
        var liveKit = services.GetRequiredService<IOptions<LiveKitOptions>>().Value;
        return ClusterSecret(ingest, liveKit);
    }

    internal static byte[] ClusterSecret(IngestOptions ingest, LiveKitOptions liveKit) =>
        System.Text.Encoding.UTF8.GetBytes(ingest.TokenSecret ?? liveKit.ApiSecret);

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
