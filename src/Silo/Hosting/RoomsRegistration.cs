using Scribe.Rooms;
using Scribe.Silo.Webhooks;

namespace Scribe.Silo.Hosting;

/// <summary>Rooms: their transcripts, and keeping the cluster's rooms in step with LiveKit's.</summary>
public static class RoomsRegistration
{
    public static WebApplicationBuilder AddRooms(this WebApplicationBuilder builder)
    {
        var transcripts = ValidatedOptions.Bind<TranscriptOptions>(builder.Configuration, TranscriptOptions.Section);
        var activation = ValidatedOptions.Bind<TranscriptionActivationOptions>(builder.Configuration, TranscriptionActivationOptions.Section);
        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(transcripts));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(activation));
        services.AddSingleton<RoomTranscriptFeed>();
        services.AddSingleton<RoomReconciler>();
        services.AddSingleton<RoomEvents>();
        return builder;
    }
}
