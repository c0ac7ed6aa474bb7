namespace Scribe.Rooms;

/// <summary>Events into the cluster's notification outbox, which delivers them to the backend and retries until it answers.</summary>
public sealed class OutboxBackendEvents(IGrainFactory grains) : IBackendEvents
{
    public Task RaiseAsync(BackendNotification notification) =>
        grains.GetGrain<INotificationOutboxGrain>(INotificationOutboxGrain.Key).EnqueueAsync(notification);
}
