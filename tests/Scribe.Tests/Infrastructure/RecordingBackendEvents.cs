using System.Collections.Concurrent;
using Scribe.Notifications;

namespace Scribe.Tests.Infrastructure;

/// <summary>Keeps every event raised for the meeting backend, in order, instead of putting it in the outbox.</summary>
public sealed class RecordingBackendEvents : IBackendEvents
{
    public ConcurrentQueue<BackendNotification> Raised { get; } = new();

    public Task RaiseAsync(BackendNotification notification)
    {
        Raised.Enqueue(notification);
        return Task.CompletedTask;
    }
}
