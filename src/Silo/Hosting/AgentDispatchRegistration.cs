using Scribe.Rooms;
using Scribe.Silo.Dispatch;

namespace Scribe.Silo.Hosting;

/// <summary>LiveKit's agent dispatch: under <c>Transcription:Activation</c> = <c>Dispatch</c>, the silo is an agent worker.</summary>
public static class AgentDispatchRegistration
{
    public static WebApplicationBuilder AddAgentDispatch(this WebApplicationBuilder builder)
    {
        var activation = ValidatedOptions.Bind<TranscriptionActivationOptions>(builder.Configuration, TranscriptionActivationOptions.Section);
        if (activation.Policy == TranscriptionActivation.Dispatch)
        {
            builder.Services.AddSingleton<IAgentJobs, DispatchedTranscriptions>();
            builder.Services.AddSingleton<IAgentWorkerConnector, AgentWorkerSocket.Connector>();
            builder.Services.AddHostedService<AgentWorker>();
        }

        return builder;
    }
}
