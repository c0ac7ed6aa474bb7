using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scribe.Notifications;

/// <summary>
/// Posts the outbox's due events to <c>Notifications:Url</c>, signed, and reports each outcome to the outbox. Every
/// silo runs one: the outbox leases each event to one of them, and the polling wakes the outbox on a live silo
/// after the silo that held it died.
/// </summary>
public sealed partial class NotificationDelivery(
    IGrainFactory grains,
    IHttpClientFactory http,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    NotificationMetrics metrics,
    ILogger<NotificationDelivery> logger) : BackgroundService
{
    public const string HttpClientName = "notifications";
    private const int Batch = 16;
    private static readonly TimeSpan PollPeriod = TimeSpan.FromSeconds(1);

    public bool IsConfigured => options.Value.IsConfigured;

    private TimeSpan Timeout => TimeSpan.FromSeconds(options.Value.TimeoutSeconds);

    /// <summary>The request body: <c>{"id","type","createdAt","room","data"}</c>, <c>data</c> being the event's own JSON object.</summary>
    public static byte[] Body(BackendNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", notification.Id);
            json.WriteString("type", notification.Type);
            json.WriteString("createdAt", notification.CreatedAt);
            json.WriteString("room", notification.Room);
            json.WritePropertyName("data");
            json.WriteRawValue(string.IsNullOrWhiteSpace(notification.DataJson) ? "{}" : notification.DataJson);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsConfigured)
        {
            return;
        }

        using var timer = new PeriodicTimer(PollPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await DeliverDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The silo is still joining, or the outbox is moving after a silo died: the next tick tries again.
                LogPollFailed(e);
            }
        }
    }

    /// <summary>One round: takes what is due and attempts each event once.</summary>
    public async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        var outbox = grains.GetGrain<INotificationOutboxGrain>(INotificationOutboxGrain.Key);
        // The lease outlasts an attempt, so a slow backend does not get the same event twice at once.
        var due = await outbox.TakeDueAsync(Batch, Timeout * 2 + TimeSpan.FromSeconds(5));
        foreach (var notification in due)
        {
            if (await AttemptAsync(notification, cancellationToken) is { } error)
            {
                metrics.Failures.Add(1, new KeyValuePair<string, object?>("type", notification.Type));
                LogDeliveryFailed(notification.Id, notification.Type, error);
                await outbox.FailedAsync(notification.Id, error);
            }
            else
            {
                metrics.Deliveries.Add(1, new KeyValuePair<string, object?>("type", notification.Type));
                LogDelivered(notification.Id, notification.Type, notification.Room);
                await outbox.DeliveredAsync(notification.Id);
            }
        }
    }

    /// <returns>Null when the backend answered 2xx, else what went wrong.</returns>
    private async Task<string?> AttemptAsync(BackendNotification notification, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var body = Body(notification);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(NotificationSignature.Header, NotificationSignature.Sign(settings.Secret!, time.GetUtcNow(), body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {Timeout.TotalSeconds} s";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} ({Type}, room {Room}) delivered")]
    private partial void LogDelivered(string id, string type, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {Id} ({Type}) not delivered: {Error}; will retry")]
    private partial void LogDeliveryFailed(string id, string type, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not poll the notification outbox; trying again")]
    private partial void LogPollFailed(Exception exception);
}
