using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// A LiveKit server as far as we use it, on a real Kestrel port: Twirp Egress (StartTrackEgress,
/// StopEgress, ListEgress) and RoomService (ListRooms, ListParticipants, SendData) with LiveKit's token
/// checks, grants and error codes, snake_case answers with defaults present, and track egress that
/// really dials the websocket_url and streams the registered PCM (<see cref="EgressSimulator"/>).
/// The Twirp plumbing, the RoomService, the Egress service and the egress webhooks each have their own part.
/// </summary>
public sealed partial class FakeLiveKitServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _apiKey;
    private readonly AccessTokenVerifier _verifier;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Random _ids;
    private readonly int _seed;

    private FakeLiveKitServer(WebApplication app, string apiKey, string apiSecret, double pace, int seed, ILoggerFactory loggerFactory)
    {
        _app = app;
        _apiKey = apiKey;
        _verifier = new AccessTokenVerifier(apiKey, apiSecret);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<FakeLiveKitServer>();
        _seed = seed;
        _ids = new Random(seed);
        Pace = pace;
    }

    /// <summary>http://127.0.0.1:{port}/ — what <see cref="LiveKitOptions.Url"/> should point at.</summary>
    public Uri Url { get; private set; } = null!;

    public string ApiKey => _apiKey;

    /// <summary>Egress streaming speed for egresses started from now on: 1 = real time, 0 = as fast as possible.</summary>
    public double Pace { get; set; }

    public IReadOnlyList<RecordedTwirpRequest> Requests => [.. _requests];

    public IReadOnlyList<SentDataPacket> SentData => [.. _sentData];

    public static async Task<FakeLiveKitServer> StartAsync(
        string apiKey,
        string apiSecret,
        double pace = 4.0,
        int seed = 20_261_124,
        ILoggerFactory? loggerFactory = null,
        CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeLiveKitServer(app, apiKey, apiSecret, pace, seed, loggerFactory ?? NullLoggerFactory.Instance);
        app.MapPost("/twirp/{service}/{method}", (HttpContext context, string service, string method) => server.HandleAsync(context, service, method));
        await app.StartAsync(ct).ConfigureAwait(false);
        server.Url = Loopback.AddressOf(app);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        List<Egress> running;
        lock (_gate)
        {
            running = [.. _egresses.Values];
        }

        foreach (var egress in running)
        {
            egress.Stop.Cancel();
        }

        try
        {
            await Task.WhenAll(running.Select(e => e.Run)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var egress in running)
            {
                egress.Simulator.Kill();
            }
        }

        _egressWebhooks.Writer.TryComplete();
        await _webhookDelivery.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var egress in running)
        {
            egress.Stop.Dispose();
        }
    }

    private string NewId()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        lock (_ids)
        {
            return string.Create(12, _ids, static (span, random) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = alphabet[random.Next(alphabet.Length)];
                }
            });
        }
    }

    private static long NowNanos() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
}
