using Microsoft.Extensions.DependencyInjection.Extensions;
using Scribe.Endpoints;
using Scribe.Ingest;
using Scribe.LiveKit;
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
            // Served on the API's port, so only this cluster may use it: without a configured key, one derived from
            // the cluster's secret (the same on every silo and every start, so the registry's copy stays right).
            var local = ValidatedOptions.Bind<LocalSpeechOptions>(builder.Configuration, LocalSpeechOptions.Section);
            local.ApiKey ??= EmbeddedLocalSpeech.DeriveKey(ScribeSilo.ClusterSecret(
                ValidatedOptions.Bind<IngestOptions>(builder.Configuration, IngestOptions.Section),
                ValidatedOptions.Bind<LiveKitOptions>(builder.Configuration, LiveKitOptions.Section)));
            services.AddLocalSpeech(local);
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
