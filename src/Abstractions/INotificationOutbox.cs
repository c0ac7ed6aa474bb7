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
}

/// <summary>One event for the backend. <see cref="DataJson"/> is the JSON object sent as the event's <c>data</c>.</summary>
[GenerateSerializer, Immutable, Alias("scribe.backend-notification")]
public sealed record BackendNotification(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string Room,
    [property: Id(4)] string DataJson);
