using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Scribe.Silo.Hosting;

namespace Scribe.Tests.Infrastructure;

/// <summary>
/// A real silo in this process: the production wiring (<see cref="ScribeSilo"/>), real Orleans on loopback
/// TCP ports, Kestrel on a free port, so webhooks, ingest and the admin API go over real sockets.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string LiveKitKey = "devkey";
    public const string LiveKitSecret = "a-long-enough-livekit-secret-for-tests";

    private readonly WebApplication _app;

    private TestSilo(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
        Admin = new HttpClient { BaseAddress = url };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public Uri Url { get; }

    public Uri WebhookUrl => new(Url, "/livekit/webhook");

    /// <summary>An HTTP client that carries the admin key.</summary>
    public HttpClient Admin { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestSilo> StartAsync(
        IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null, int? primarySiloPort = null)
    {
        var app = Build(settings, services, primarySiloPort);
        await app.StartAsync();
        return new TestSilo(app, Loopback.AddressOf(app));
    }

    /// <summary>The production wiring on its embedded defaults, built but never started: for what it registers.</summary>
    public static IServiceProvider Unstarted() => Build(new Dictionary<string, string?>()).Services;

    private static WebApplication Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null, int? primarySiloPort = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        var defaults = new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = AdminKey,
            ["LiveKit:Url"] = "http://127.0.0.1:9",
            ["LiveKit:ApiKey"] = LiveKitKey,
            ["LiveKit:ApiSecret"] = LiveKitSecret,
            // The egress path unless a test asks for the agent participant (the product's default, which needs the
            // media process and a LiveKit it can join: see SfuMeeting).
            ["LiveKit:Audio"] = "Egress",
            ["Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:PrimarySiloPort"] = primarySiloPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The cluster tests speak tone speech (exactly decodable by the fake vLLM); a voice detector need not
            // hear a voice in pure tones, so these silos detect speech by level.
            ["Transcription:VadMode"] = "Energy",
        };
        foreach (var (key, value) in settings)
        {
            defaults[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(defaults);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddScribeSilo();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapScribeSilo();
        return app;
    }

    public static int FreePort() => Loopback.FreePort();

    /// <summary>
    /// Stops the silo without a graceful shutdown: it does not leave the cluster or deactivate its grains, as if
    /// its process had died. The others notice through membership probes.
    /// </summary>
    public async Task KillAsync()
    {
        Admin.Dispose();
        try
        {
            await _app.StopAsync(new CancellationToken(canceled: true));
        }
        catch (OperationCanceledException)
        {
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OperationCanceledException))
        {
            // Hosted services that wait in their stop (the media process, the agent's hand-off) give up at once.
        }

        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
