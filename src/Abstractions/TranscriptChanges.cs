namespace Scribe;

/// <summary>The segments that changed after a revision, in transcript order, and the room's current revision.</summary>
[GenerateSerializer, Immutable, Alias("scribe.transcript-changes")]
public sealed record TranscriptChanges(
    [property: Id(0)] long Revision,
    [property: Id(1)] IReadOnlyList<TranscriptSegment> Segments);
