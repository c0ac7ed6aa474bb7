using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scribe.LocalSpeech;

/// <summary>Accepts realtime WebSockets: checks the API key, admits up to the session cap, runs a connection.</summary>
internal sealed class LocalSpeechEndpoint(
    IOptions<LocalSpeechOptions> options,
    LocalSpeechSessions sessions,
    LocalSpeechMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory)
{
    private static readonly TimeSpan RefusalCloseTimeout = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = loggerFactory.CreateLogger<LocalSpeechEndpoint>();

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This endpoint speaks the vLLM realtime protocol over a WebSocket.", context.RequestAborted);
            return;
        }

        if (!Authorized(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (!sessions.TryOpen())
        {
            await RefuseAsync(socket, context.RequestAborted);
            return;
        }

        try
        {
            // Sessions never end by themselves: a stopping host ends them rather than waiting out its timeout.
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            using var connection = new LocalSpeechConnection(socket, options.Value, sessions, metrics, loggerFactory.CreateLogger<LocalSpeechConnection>());
            await connection.RunAsync(ended.Token);
        }
        finally
        {
            sessions.Close();
        }
    }

    private bool Authorized(HttpRequest request)
    {
        if (options.Value.ApiKey is not { } apiKey)
        {
            return true;
        }

        var expected = Encoding.UTF8.GetBytes($"Bearer {apiKey}");
        var given = Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString());
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private async Task RefuseAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        metrics.SessionRefused();
        var message = $"local speech endpoint is at capacity ({sessions.MaxSessions} sessions)";
        LocalSpeechLog.SessionRefused(_logger, message);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RefusalCloseTimeout);
        try
        {
            using var events = new RealtimeEventWriter(socket);
            await events.ErrorAsync(message, RealtimeErrorCode.ProcessingError, timeout.Token);
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "at capacity", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client left first or never answered the close; either way it has been told.
        }
    }
}
