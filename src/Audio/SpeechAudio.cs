namespace Scribe.Audio;

/// <summary>
/// The audio a speech endpoint takes and a transcriber works in: mono PCM16 at 16 kHz. Every stream clock, segment
/// time and duration in the transcriber counts samples of this format.
/// </summary>
public static class SpeechAudio
{
    public const int SampleRate = 16_000;

    public const int SamplesPerMs = SampleRate / 1000;
}
