namespace Scribe.Rooms;

/// <summary>A room's own small state; its transcript is stored apart (<see cref="TranscriptStore"/>).</summary>
[GenerateSerializer, Alias("scribe.room-record")]
public sealed class RoomRecord
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public DateTimeOffset? ClockOrigin { get; set; }
    [Id(2)] public RoomState State { get; set; }
    [Id(3)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(4)] public Dictionary<string, string> Speakers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The finish whose <c>transcript.ready</c> was queued for the backend, so it is queued once.</summary>
    [Id(10)] public DateTimeOffset? TranscriptReadyFor { get; set; }
}
