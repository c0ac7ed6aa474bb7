using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Scribe.LocalSpeech;

public static class LocalSpeechServiceCollectionExtensions
{
    /// <summary>
    /// Registers the local speech endpoint, binding <see cref="LocalSpeechOptions"/> from <paramref name="section"/>
    /// (usually <c>configuration.GetSection(LocalSpeechOptions.Section)</c>) and validating it at start.
    /// </summary>
    public static IServiceCollection AddLocalSpeech(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<LocalSpeechOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalSpeechOptions>, LocalSpeechOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<LocalSpeechSessions>();
        services.TryAddSingleton(provider => new LocalSpeechMetrics(
            provider.GetRequiredService<IMeterFactory>(),
            provider.GetRequiredService<LocalSpeechSessions>()));
        services.TryAddSingleton<LocalSpeechEndpoint>();
        return services;
    }
}
