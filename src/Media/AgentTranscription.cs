namespace Scribe.Media;

/// <summary>
/// One update of a transcript segment for a room: published as LiveKit's legacy transcription (what Meet shows)
/// and as an <c>lk.transcription</c> text stream sent on behalf of <paramref name="Speaker"/>. The same
/// <paramref name="SegmentId"/> carries interim updates and then the final text.
/// </summary>
public sealed record AgentTranscription(
    string Speaker, string TrackSid, string SegmentId, string Text, bool Final, long StartMs, long EndMs, string? Language = null);
