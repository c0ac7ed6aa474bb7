namespace Scribe.Notifications;

/// <summary>The outbox grain's stored state.</summary>
[GenerateSerializer, Alias("scribe.notification-outbox-record")]
public sealed class NotificationOutboxRecord
{
    [Id(0)] public List<PendingNotification> Pending { get; set; } = [];
}
