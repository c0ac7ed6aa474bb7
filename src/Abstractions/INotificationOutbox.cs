namespace Scribe;

/// <summary>
/// The cluster's outbox of events for the meeting backend (<c>Notifications:Url</c>): each event is kept in the
/// cluster's storage until the backend has answered 2xx, and is retried with the same id until then.
/// </summary>
[Alias("scribe.notification-outbox")]
public interface INotificationOutboxGrain : IGrainWithIntegerKey
{
    /// <summary>The one outbox of the cluster.</summary>
    const long Key = 0;

    /// <summary>Keeps <paramref name="notification"/> for delivery. Idempotent by <see cref="BackendNotification.Id"/>.</summary>
    [Alias("enqueue")] Task EnqueueAsync(BackendNotification notification);

    /// <summary>
    /// Up to <paramref name="max"/> events due for an attempt, leased to the caller for <paramref name="lease"/>: no
    /// other silo is handed them meanwhile, and a caller that dies leaves them due again when the lease ends.
    /// </summary>
    [Alias("take-due")] Task<IReadOnlyList<BackendNotification>> TakeDueAsync(int max, TimeSpan lease);

    /// <summary>The backend answered 2xx: the event leaves the outbox.</summary>
    [Alias("delivered")] Task DeliveredAsync(string id);

    /// <summary>An attempt failed: the event is due again after the retry delay, or dropped once too old.</summary>
    [Alias("failed")] Task FailedAsync(string id, string error);

    /// <summary>Events not yet delivered, oldest first.</summary>
    [Alias("list")] Task<IReadOnlyList<PendingNotification>> ListAsync();
}

/// <summary>One event for the backend. <see cref="DataJson"/> is the JSON object sent as the event's <c>data</c>.</summary>
[GenerateSerializer, Immutable, Alias("scribe.backend-notification")]
public sealed record BackendNotification(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string Room,
    [property: Id(4)] string DataJson);
