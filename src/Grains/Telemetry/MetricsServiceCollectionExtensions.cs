using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scribe.Notifications;

namespace Scribe.Telemetry;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>Registers the cluster's instruments (<see cref="ScribeMetrics"/>, <see cref="NotificationMetrics"/>) on the host's meter factory.</summary>
    public static IServiceCollection AddScribeMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<ScribeMetrics>();
        services.TryAddSingleton<NotificationMetrics>();
        return services;
    }
}
