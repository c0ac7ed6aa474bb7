namespace Scribe.Rooms;

/// <summary>A room's own small state, changed by <see cref="RoomLifecycle"/>; its transcript is stored apart (<see cref="TranscriptStore"/>).</summary>
[GenerateSerializer, Alias("scribe.room-record")]
public sealed class RoomRecord
{
    [Id(0)] public string Name { get; set; } = "";

    /// <summary>Media-clock origin of the room, set when it first started (null while <see cref="RoomPhase.Unknown"/>).</summary>
    [Id(1)] public DateTimeOffset? ClockOrigin { get; set; }

    [Id(2)] public RoomPhase Phase { get; set; }

    [Id(3)] public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Every participant of a transcribed kind who joined this room (identity → display name): the room calls each of them.</summary>
    [Id(4)] public Dictionary<string, string> Speakers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// What was decided for this room session (a request, or the <c>AllRooms</c> policy at its start); null until
    /// then, and again once the session finished, so the policy decides the next one.
    /// </summary>
    [Id(5)] public RoomTranscription? Transcription { get; set; }
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
