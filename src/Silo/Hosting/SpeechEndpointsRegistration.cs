using Microsoft.Extensions.DependencyInjection.Extensions;
using Scribe.Endpoints;
using Scribe.LocalSpeech;
using Scribe.Telemetry;

namespace Scribe.Silo.Hosting;

/// <summary>The speech endpoints speakers are placed on: the balancer, its health probe and its link to the cluster's registry.</summary>
public static class SpeechEndpointsRegistration
{
    public static WebApplicationBuilder AddSpeechEndpoints(this WebApplicationBuilder builder)
    {
        var inference = ValidatedOptions.Bind<InferenceOptions>(builder.Configuration, InferenceOptions.Section);
        var services = builder.Services;

        // With no endpoints configured or discovered, this silo serves its own local speech endpoint and uses it.
        var embeddedSpeech = inference.Endpoints.Count == 0 && inference.Discovery.Count == 0;
        if (embeddedSpeech)
        {
            services.AddLocalSpeech(ValidatedOptions.Bind<LocalSpeechOptions>(builder.Configuration, LocalSpeechOptions.Section));
            services.AddSingleton<EmbeddedLocalSpeech>();
        }

        // The balancer starts on the configured endpoints; they seed the cluster's registry, whose snapshot then rules.
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(inference));
        services.AddSingleton(sp => new EndpointBalancer(
            embeddedSpeech ? [EmbeddedLocalSpeech.Endpoint(sp)] : inference.ToEndpoints(), slots: new ClusterGenerationSlots(sp.GetRequiredService<IGrainFactory>()),
            metrics: sp.GetRequiredService<ScribeMetrics>()));
        services.AddSingleton<IEndpointPicker>(sp => sp.GetRequiredService<EndpointBalancer>());
        services.AddHttpClient(EndpointHealthProbe.HttpClientName);
        services.AddHostedService<EndpointRegistryLink>();
        services.AddHostedService<EndpointHealthProbe>();
        // vLLM replicas found by DNS join the registry as they come and go.
        services.TryAddSingleton(_ => EndpointDiscovery.SystemResolver());
        services.AddHostedService<EndpointDiscovery>();
        return builder;
    }
}
