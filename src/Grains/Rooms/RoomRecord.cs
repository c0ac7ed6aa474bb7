namespace Scribe.Rooms;

/// <summary>A room's own small state; its transcript is stored apart (<see cref="TranscriptStore"/>).</summary>
[GenerateSerializer, Alias("scribe.room-record")]
public sealed class RoomRecord
{
    [Id(0)] public string Name { get; set; } = "";
    [Id(1)] public DateTimeOffset? ClockOrigin { get; set; }
    [Id(2)] public RoomState State { get; set; }
    [Id(3)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Every participant of a transcribed kind who joined this room (identity → display name): the room calls each of them.</summary>
    [Id(4)] public Dictionary<string, string> Speakers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// What was decided for this room session (a request, or the <c>AllRooms</c> policy at its start); null until
    /// then, and again once the session finished, so the policy decides the next one.
    /// </summary>
    [Id(5)] public RoomTranscription? Transcription { get; set; }

    /// <summary>The finish whose <c>transcript.ready</c> was queued for the backend, so it is queued once.</summary>
    [Id(10)] public DateTimeOffset? TranscriptReadyFor { get; set; }
}

/// <summary>A room's transcription as last requested.</summary>
[GenerateSerializer, Alias("scribe.room-transcription")]
public sealed class RoomTranscription
{
    [Id(0)] public bool Active { get; set; }
    [Id(1)] public DateTimeOffset? Since { get; set; }
    [Id(2)] public string? Language { get; set; }
    [Id(3)] public string? RequestedBy { get; set; }
}
