using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Scribe.LocalSpeech;
using Scribe.Silo.Hosting;

namespace Scribe.Tests.Speech;

/// <summary>Kestrel on 127.0.0.1 with a free port, hosting only the local speech endpoint and its health.</summary>
public sealed class LocalSpeechTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalSpeechTestServer(WebApplication app, Uri httpBase)
    {
        _app = app;
        HttpBase = httpBase;
        RealtimeUri = new Uri($"ws://{httpBase.Authority}/v1/realtime");
    }

    public Uri HttpBase { get; }

    public Uri RealtimeUri { get; }

    /// <summary>Starts a server; <paramref name="settings"/> are keys under <c>LocalSpeech:</c> (e.g. <c>MaxSessions</c>).</summary>
    public static async Task<LocalSpeechTestServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
            (settings ?? new Dictionary<string, string?>()).Select(setting => KeyValuePair.Create($"{LocalSpeechOptions.Section}:{setting.Key}", setting.Value)));
        builder.Services.AddLocalSpeech(ValidatedOptions.Bind<LocalSpeechOptions>(builder.Configuration, LocalSpeechOptions.Section));
        var app = builder.Build();
        app.MapLocalSpeech();
        app.MapLocalSpeechHealth();
        await app.StartAsync(cancellationToken);
        return new LocalSpeechTestServer(app, Loopback.AddressOf(app));
    }

    public Task<RealtimeTestClient> ConnectAsync(CancellationToken cancellationToken) => RealtimeTestClient.ConnectAsync(RealtimeUri, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
