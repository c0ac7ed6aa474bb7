using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Scribe.LocalSpeech;

public static class LocalSpeechServiceCollectionExtensions
{
    /// <summary>
    /// Registers the local speech endpoint with <paramref name="options"/>, already bound and validated by the host
    /// (the silo binds every options class the same way: <c>ValidatedOptions.Bind</c>).
    /// </summary>
    public static IServiceCollection AddLocalSpeech(this IServiceCollection services, LocalSpeechOptions options)
    {
        services.TryAddSingleton(Options.Create(options));
        services.AddMetrics();
        services.TryAddSingleton<LocalSpeechSessions>();
        services.TryAddSingleton(provider => new LocalSpeechMetrics(
            provider.GetRequiredService<IMeterFactory>(),
            provider.GetRequiredService<LocalSpeechSessions>()));
        services.TryAddSingleton<LocalSpeechEndpoint>();
        return services;
    }
}
