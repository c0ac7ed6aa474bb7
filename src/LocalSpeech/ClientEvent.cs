namespace Scribe.LocalSpeech;

/// <summary>What one text frame from a realtime client says: one of vLLM's client events, or why it is none.</summary>
internal abstract record ClientEvent
{
    /// <summary><c>session.update</c> naming a model (whether this endpoint serves it is the session's question).</summary>
    public sealed record SessionUpdate(string Model) : ClientEvent;

    /// <summary><c>input_audio_buffer.append</c> with its PCM16 16 kHz mono samples (never empty).</summary>
    public sealed record Append(short[] Samples) : ClientEvent;

    /// <summary><c>input_audio_buffer.commit</c>; <see cref="Final"/> ends the running generation's audio.</summary>
    public sealed record Commit(bool Final) : ClientEvent;

    /// <summary>Not an event this protocol accepts: answered with an <c>error</c> of <see cref="Code"/>, the connection stays open.</summary>
    public sealed record Refused(string Message, string Code) : ClientEvent;
}
