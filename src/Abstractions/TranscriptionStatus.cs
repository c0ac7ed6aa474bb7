namespace Scribe;

/// <summary>
/// Whether a room is transcribed now, since when, in which language it was asked for, and who asked
/// (<c>GET /api/rooms/{room}/transcription</c>). <see cref="Language"/> is kept as requested: the realtime
/// protocol does not carry it to the model today, so no segment is labelled with it.
/// </summary>
[GenerateSerializer, Immutable, Alias("scribe.transcription-status")]
public sealed record TranscriptionStatus(
    [property: Id(0)] string Room,
    [property: Id(1)] bool Active,
    [property: Id(2)] DateTimeOffset? Since,
    [property: Id(3)] string? Language,
    [property: Id(4)] string? RequestedBy);

/// <summary>
/// A request to transcribe a room: the language asked for (or null), who asks (an API key's name), and the LiveKit
/// agent job behind it when LiveKit's dispatch asks (its token is the agent's first join).
/// </summary>
[GenerateSerializer, Immutable, Alias("scribe.transcription-request")]
public sealed record TranscriptionRequest(
    [property: Id(0)] string? Language,
    [property: Id(1)] string RequestedBy,
    [property: Id(2)] DispatchedJob? Job = null);
