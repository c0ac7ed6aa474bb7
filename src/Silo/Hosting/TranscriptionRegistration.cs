using Scribe.Audio;
using Scribe.Participants;
using Scribe.Realtime;

namespace Scribe.Silo.Hosting;

/// <summary>Transcribing speakers: voice activity detection, the transcriber's settings, and each speaker's pipeline.</summary>
public static class TranscriptionRegistration
{
    public static WebApplicationBuilder AddTranscription(this WebApplicationBuilder builder)
    {
        var transcription = ValidatedOptions.Bind<TranscriberOptions>(builder.Configuration, TranscriberOptions.Section);
        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(transcription));
        services.AddSingleton<SpeakerStreamRegistry>();
        services.AddSingleton<SpeakerPipelineFactory>();
        services.AddSingleton(sp => transcription.VadMode == VoiceActivityMode.Energy
            ? VoiceActivityDetectors.EnergyOnly(transcription.SpeechThresholdDbfs)
            : VoiceActivityDetectors.Load(
                transcription.VadModelPath, transcription.SpeechThresholdDbfs, sp.GetRequiredService<ILoggerFactory>().CreateLogger<VoiceActivityDetectors>(),
                transcription.VadGateDbfs));
        services.AddHostedService<SpeakerRecovery>();
        services.AddHostedService<SpeakerHandoff>();
        return builder;
    }
}
