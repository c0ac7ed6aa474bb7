namespace Scribe.Audio;

/// <summary>What tells speech from silence (<c>Transcription:VadMode</c>).</summary>
public enum VoiceActivityMode
{
    /// <summary>Silero VAD v5 when its model is installed, otherwise energy with a warning at start.</summary>
    Silero = 0,

    /// <summary>Level only, by choice: for signals that are not speech (test tones), or no model on purpose.</summary>
    Energy = 1,
}
