using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scribe.Notifications;

/// <summary>
/// The cluster's outbox of backend events, kept in grain storage so a silo's death or a restart loses none. It does
/// no I/O of its own: every silo's <see cref="NotificationDelivery"/> takes due events, posts them and reports back,
/// and its polling is also what reactivates the outbox on a live silo after the one holding it died.
/// </summary>
public sealed partial class NotificationOutboxGrain(
    [PersistentState("notification-outbox", StorageNames.State)] IPersistentState<NotificationOutboxRecord> record,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    NotificationMetrics metrics,
    ILogger<NotificationOutboxGrain> logger) : Grain, INotificationOutboxGrain
{
    // Leases live in memory only: after a reactivation every stored event is due, so a lost delivery is retried.
    private readonly Dictionary<string, DateTimeOffset> _leasedUntil = new(StringComparer.Ordinal);

    private List<PendingNotification> Pending => record.State.Pending;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        metrics.ObservePending(Pending.Count);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.ObservePending(0);
        return Task.CompletedTask;
    }

    public async Task EnqueueAsync(BackendNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (!options.Value.IsConfigured)
        {
            return; // no backend to tell
        }

        if (Pending.Any(p => p.Notification.Id == notification.Id))
        {
            return;
        }

        Pending.Add(new PendingNotification(notification, 0, time.GetUtcNow()));
        await SaveAsync();
        LogEnqueued(notification.Id, notification.Type, notification.Room);
    }

    public Task<IReadOnlyList<BackendNotification>> TakeDueAsync(int max, TimeSpan lease)
    {
        var now = time.GetUtcNow();
        var due = Pending
            .Where(p => p.NextAttemptAt <= now && !(_leasedUntil.TryGetValue(p.Notification.Id, out var until) && until > now))
            .Take(max)
            .Select(p => p.Notification)
            .ToList();
        foreach (var notification in due)
        {
            _leasedUntil[notification.Id] = now + lease;
        }

        return Task.FromResult<IReadOnlyList<BackendNotification>>(due);
    }

    public async Task DeliveredAsync(string id)
    {
        _leasedUntil.Remove(id);
        if (Pending.RemoveAll(p => p.Notification.Id == id) > 0)
        {
            await SaveAsync();
        }
    }

    public async Task FailedAsync(string id, string error)
    {
        _leasedUntil.Remove(id);
        var index = Pending.FindIndex(p => p.Notification.Id == id);
        if (index < 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var failed = Pending[index] with { Attempts = Pending[index].Attempts + 1, LastError = error, LastAttemptAt = now };
        if (options.Value.Retries.NextAttempt(failed.Attempts, failed.Notification.CreatedAt, now) is { } next)
        {
            Pending[index] = failed with { NextAttemptAt = next };
        }
        else
        {
            Pending.RemoveAt(index);
            metrics.Abandoned.Add(1, new KeyValuePair<string, object?>("type", failed.Notification.Type));
            LogAbandoned(id, failed.Notification.Type, failed.Notification.Room, failed.Attempts, error);
        }

        await SaveAsync();
    }

    public Task<IReadOnlyList<PendingNotification>> ListAsync() => Task.FromResult<IReadOnlyList<PendingNotification>>([.. Pending]);

    private async Task SaveAsync()
    {
        await record.WriteStateAsync();
        metrics.ObservePending(Pending.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {Id} ({Type}, room {Room}) queued for the backend")]
    private partial void LogEnqueued(string id, string type, string room);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notification {Id} ({Type}, room {Room}) dropped undelivered after {Attempts} attempts; last error: {Error}")]
    private partial void LogAbandoned(string id, string type, string room, int attempts, string error);
}
