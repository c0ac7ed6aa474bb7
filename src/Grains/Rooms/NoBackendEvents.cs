namespace Scribe.Rooms;

/// <summary>No meeting backend to tell: events are dropped.</summary>
public sealed class NoBackendEvents : IBackendEvents
{
    public Task RaiseAsync(BackendNotification notification) => Task.CompletedTask;
}
