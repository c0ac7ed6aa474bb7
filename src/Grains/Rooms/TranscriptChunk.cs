namespace Scribe.Rooms;

/// <summary>
/// One persisted slice of a room transcript: the segments whose ids were first seen in this slice's range,
/// so every later update of a segment rewrites the same, small record.
/// </summary>
/// <remarks>A parameterless constructor and settable list so both Orleans and JSON storage serialisers can rebuild it.</remarks>
[GenerateSerializer, Alias("scribe.transcript-chunk")]
public sealed record TranscriptChunk
{
    [Id(0)] public List<TranscriptSegment> Segments { get; set; } = [];
}
