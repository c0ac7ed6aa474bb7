using Scribe.LiveKit;
using Scribe.Silo.Api;
using Scribe.Telemetry;

namespace Scribe.Silo.Webhooks;

/// <summary>
/// <c>POST /livekit/webhook</c>: verifies LiveKit's signature over the exact body (protocols.md §2) and turns
/// each event into grain calls (<see cref="RoomEvents"/>). Anything unsigned, mis-signed, stale or malformed gets 401.
/// </summary>
public static partial class LiveKitWebhookEndpoint
{
    /// <summary>LiveKit's webhook bodies are a few kilobytes; anything far larger is not from LiveKit.</summary>
    public const int MaxBodyBytes = 1 << 20;

    public static IEndpointRouteBuilder MapLiveKitWebhook(this IEndpointRouteBuilder app)
    {
        app.MapPost("/livekit/webhook", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, WebhookReceiver receiver, RoomEvents events, ScribeMetrics metrics, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Scribe.Webhooks");
        if (request.ContentLength > MaxBodyBytes)
        {
            return Refuse(logger, "body too large", StatusCodes.Status413PayloadTooLarge);
        }

        using var body = new MemoryStream();
        var read = await CopyBoundedAsync(request.Body, body, MaxBodyBytes, request.HttpContext.RequestAborted);
        if (!read)
        {
            return Refuse(logger, "body too large", StatusCodes.Status413PayloadTooLarge);
        }

        WebhookEvent webhook;
        try
        {
            webhook = receiver.Receive(body.GetBuffer().AsSpan(0, (int)body.Length), request.Headers.Authorization.ToString());
        }
        catch (WebhookRejectedException e)
        {
            metrics.WebhooksRejected.Add(1, new KeyValuePair<string, object?>("reason", e.Reason.ToString()));
            // A body that is signed but not a webhook is a bad request; anything unsigned or mis-signed is not authorised.
            return Refuse(logger, e.Message, e.Reason == WebhookRejection.MalformedBody ? StatusCodes.Status400BadRequest : StatusCodes.Status401Unauthorized);
        }

        metrics.Webhooks.Add(1, new KeyValuePair<string, object?>("event", webhook.Event));
        LogReceived(logger, webhook.Event, webhook.Id, RoomName.ForLog(webhook.Room?.Name));
        // 200 for duplicates and stray events too: LiveKit would otherwise retry them.
        await events.DispatchAsync(webhook);
        return Results.Ok();
    }

    private static async Task<bool> CopyBoundedAsync(Stream source, MemoryStream destination, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (destination.Length + read > limit)
            {
                return false;
            }

            destination.Write(buffer, 0, read);
        }

        return true;
    }

    private static IResult Refuse(ILogger logger, string reason, int status)
    {
        LogRefused(logger, reason);
        return Results.Problem(title: "Webhook refused", detail: reason, statusCode: status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "LiveKit webhook refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "LiveKit webhook {Event} ({Id}) for room {Room}")]
    private static partial void LogReceived(ILogger logger, string @event, string id, string? room);
}
