using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scribe.Media;

public static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// Registers the media process (one per silo) as a hosted service with <paramref name="options"/>, already bound
    /// and validated by the host. The silo starts it with itself, so running the silo stays one command.
    /// </summary>
    public static IServiceCollection AddMediaProcess(this IServiceCollection services, MediaOptions options)
    {
        services.TryAddSingleton(Options.Create(options));
        services.AddMetrics();
        services.TryAddSingleton(provider => new MediaMetrics(provider.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton(provider => new MediaProcess(
            provider.GetRequiredService<IOptions<MediaOptions>>(),
            provider.GetRequiredService<ILogger<MediaProcess>>(),
            provider.GetRequiredService<MediaMetrics>(),
            provider.GetService<TimeProvider>()));
        services.AddHostedService(provider => provider.GetRequiredService<MediaProcess>());
        return services;
    }
}
