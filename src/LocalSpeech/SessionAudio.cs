namespace Scribe.LocalSpeech;

/// <summary>What the socket reader hands the decoding worker: audio, or the end of a generation's audio.</summary>
internal abstract record SessionAudio
{
    /// <summary>Samples from one <c>input_audio_buffer.append</c>.</summary>
    public sealed record Chunk(short[] Samples) : SessionAudio;

    /// <summary>A <c>commit</c> with <c>final: true</c>: the generation reading this ends here.</summary>
    public sealed record End : SessionAudio
    {
        public static End Instance { get; } = new();
    }
}
