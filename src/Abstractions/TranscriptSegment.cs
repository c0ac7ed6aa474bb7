namespace Scribe;

/// <summary>
/// One generation of one speaker: the unit a room transcript is made of. Upserted by <see cref="Id"/>;
/// interim text is replaced by later text and finally by the final text.
/// </summary>
/// <param name="Id">Stable per generation: <c>{identity}:{trackSid}:{stream}.{generation}</c>, where the stream counts
/// the speaker's egress connections.</param>
/// <param name="StartMs">Media time of the first sample of the generation, in ms since the room's transcription started.</param>
/// <param name="EndMs">Media time of the last sample heard so far.</param>
/// <param name="Revision">The room revision at which this segment last changed (set by the room).</param>
[GenerateSerializer, Immutable, Alias("scribe.segment")]
public sealed record TranscriptSegment(
    [property: Id(0)] string Id,
    [property: Id(1)] string Room,
    [property: Id(2)] string Speaker,
    [property: Id(3)] string SpeakerName,
    [property: Id(4)] string TrackSid,
    [property: Id(5)] long StartMs,
    [property: Id(6)] long EndMs,
    [property: Id(7)] string Text,
    [property: Id(8)] bool IsFinal,
    [property: Id(9)] string? Language = null,
    [property: Id(10)] string? Endpoint = null,
    [property: Id(11)] long Revision = 0);
