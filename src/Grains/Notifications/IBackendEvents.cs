namespace Scribe.Notifications;

/// <summary>
/// Where a room reports events meant for the meeting backend (<c>transcription.started</c>, <c>transcription.stopped</c>).
/// The silo registers <see cref="NoBackendEvents"/> unless backend notifications are configured, then
/// <see cref="OutboxBackendEvents"/>, which keeps each event in the cluster's outbox until delivered.
/// </summary>
public interface IBackendEvents
{
    Task RaiseAsync(BackendNotification notification);
}
