namespace Scribe.Fakes.Speech;

/// <summary>
/// One synthetic utterance: its reference text, the flite voice, the audio as a speech model takes it
/// (16 kHz mono PCM16) and as LiveKit egress delivers it (48 kHz stereo interleaved s16le).
/// </summary>
public sealed record SpokenSentence(string Text, string Voice, short[] Pcm16kMono, byte[] Pcm48kStereo)
{
    public TimeSpan Duration => TimeSpan.FromSeconds(Pcm16kMono.Length / 16_000.0);

    public override string ToString() => $"{Voice}: {Text}";
}
