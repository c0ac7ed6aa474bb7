using Scribe.Notifications;

namespace Scribe.Silo.Hosting;

/// <summary>Backend notifications: events go into the outbox, and one delivery service sends them on.</summary>
public static class NotificationsRegistration
{
    public static WebApplicationBuilder AddNotifications(this WebApplicationBuilder builder)
    {
        var notifications = ValidatedOptions.Bind<NotificationOptions>(builder.Configuration, NotificationOptions.Section);
        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(notifications));
        services.AddSingleton<IBackendEvents, OutboxBackendEvents>();
        services.AddHttpClient(NotificationDelivery.HttpClientName);
        services.AddSingleton<NotificationDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<NotificationDelivery>());
        return builder;
    }
}
