namespace Scribe.LiveKit;

/// <summary>How a speaker's audio reaches the cluster (<c>LiveKit:Audio</c>).</summary>
public enum LiveKitAudio
{
    /// <summary>A LiveKit track egress per speaker, dialling our ingest socket with 48 kHz stereo PCM.</summary>
    Egress = 0,

    /// <summary>One hidden agent participant per room subscribes to the microphones and gets 16 kHz mono PCM; captions go back as LiveKit transcriptions.</summary>
    Agent = 1,
}
