namespace Scribe.Rooms;

/// <summary>The small record written after the dirty chunks of a flush: what a reload starts from.</summary>
/// <remarks>Settable properties and a parameterless constructor so both Orleans and JSON storage serialisers can rebuild it.</remarks>
[GenerateSerializer, Alias("scribe.transcript-head")]
public sealed record TranscriptHead
{
    /// <summary>The room revision when this head was written; chunks may hold newer segments if a flush was cut short.</summary>
    [Id(0)] public long Revision { get; set; }

    /// <summary>Chunks written so far, named <c>{stateName}-0</c> … <c>{stateName}-{ChunkCount - 1}</c>.</summary>
    [Id(1)] public int ChunkCount { get; set; }

    [Id(2)] public int SegmentCount { get; set; }

    /// <summary>Media-clock origin of the room: segment times count from here.</summary>
    [Id(3)] public DateTimeOffset? ClockOrigin { get; set; }

    [Id(4)] public RoomState State { get; set; }
}
