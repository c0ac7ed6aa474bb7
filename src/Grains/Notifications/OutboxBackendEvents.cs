namespace Scribe.Notifications;

/// <summary>
/// Events into the cluster's notification outbox, which delivers them to the backend and retries until it answers;
/// with no <c>Notifications:Url</c> the outbox drops them.
/// </summary>
public sealed class OutboxBackendEvents(IGrainFactory grains) : IBackendEvents
{
    public Task RaiseAsync(BackendNotification notification) =>
        grains.GetGrain<INotificationOutboxGrain>(INotificationOutboxGrain.Key).EnqueueAsync(notification);
}
