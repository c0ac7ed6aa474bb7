using Microsoft.AspNetCore.Http.HttpResults;
using Scribe.Notifications;

namespace Scribe.Silo.Api;

/// <summary><c>GET /api/notifications</c>: events for the backend not yet delivered, with their attempts and last error.</summary>
public static class NotificationsApi
{
    public static RouteGroupBuilder MapNotificationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/notifications", ListAsync).RequireScope(ApiScope.Cluster)
            .WithSummary("Backend notifications not yet delivered, oldest first, with attempts and the last error.");
        return api;
    }

    internal static async Task<Ok<OutboxView>> ListAsync(IGrainFactory grains, NotificationDelivery delivery)
    {
        var pending = await grains.GetGrain<INotificationOutboxGrain>(INotificationOutboxGrain.Key).ListAsync();
        return TypedResults.Ok(new OutboxView(delivery.IsConfigured, [.. pending.Select(PendingView.Of)]));
    }

    /// <param name="Configured">False when Notifications:Url is not set: events are then not kept.</param>
    public sealed record OutboxView(bool Configured, IReadOnlyList<PendingView> Pending);

    public sealed record PendingView(
        string Id, string Type, string Room, DateTimeOffset CreatedAt, int Attempts, DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset? LastAttemptAt)
    {
        public static PendingView Of(PendingNotification p) => new(
            p.Notification.Id, p.Notification.Type, p.Notification.Room, p.Notification.CreatedAt, p.Attempts, p.NextAttemptAt, p.LastError, p.LastAttemptAt);
    }
}
