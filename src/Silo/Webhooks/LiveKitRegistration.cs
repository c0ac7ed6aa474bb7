using Microsoft.Extensions.DependencyInjection.Extensions;
using Scribe.Agent;
using Scribe.Captions;
using Scribe.Egress;
using Scribe.LiveKit;
using Scribe.Media;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Webhooks;

/// <summary>LiveKit: its webhooks, its server APIs (egress, room service), the room's data channel for captions, and the agent participant's seam.</summary>
public static class LiveKitRegistration
{
    public static WebApplicationBuilder AddLiveKit(this WebApplicationBuilder builder)
    {
        var liveKit = ValidatedOptions.Bind<LiveKitOptions>(builder.Configuration, LiveKitOptions.Section);
        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(liveKit));
        services.AddSingleton(new WebhookReceiver(liveKit.ApiKey, liveKit.ApiSecret));
        services.AddHttpClient(LiveKitOptions.Section, http => http.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton(sp => new EgressClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(LiveKitOptions.Section), liveKit, sp.GetService<ILogger<EgressClient>>()));
        services.AddSingleton(sp => new RoomServiceClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(LiveKitOptions.Section), liveKit, sp.GetService<ILogger<RoomServiceClient>>()));
        services.AddSingleton<ITrackEgress, LiveKitTrackEgress>();
        services.AddSingleton<EgressWorker>();
        services.AddSingleton<ITranscriptDataChannel>(sp => liveKit.Audio == LiveKitAudio.Agent
            ? new AgentTranscriptDataChannel(sp.GetRequiredService<AgentRooms>())
            : liveKit.PublishTranscripts
                ? new LiveKitTranscriptDataChannel(sp.GetRequiredService<RoomServiceClient>())
                : new NoTranscriptDataChannel());

        // Agent mode: the room's agent participant, played by this silo's media process (started with the silo).
        services.AddSingleton<AgentRooms>();
        services.AddSingleton<RoomAgentHost>();
        if (liveKit.Audio == LiveKitAudio.Agent)
        {
            services.AddMediaProcess(ValidatedOptions.Bind<MediaOptions>(builder.Configuration, MediaOptions.Section));
            services.AddSingleton<IRoomAgents, MediaRoomAgents>();
        }
        else
        {
            services.TryAddSingleton<IRoomAgents, UnpluggedRoomAgents>();
        }

        services.AddHostedService<RoomAgentHandoff>();
        return builder;
    }
}
