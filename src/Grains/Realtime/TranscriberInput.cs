namespace Scribe.Realtime;

/// <summary>
/// What the ingest side hands a transcriber's loop: audio (<see cref="Audio.AudioChunk"/>, itself an input, so a
/// chunk costs no wrapper on the way) or a mute change. The end of input is the channel's completion.
/// </summary>
public abstract record TranscriberInput;

/// <summary>The track was muted or unmuted.</summary>
public sealed record MuteChanged(bool Muted) : TranscriberInput;
