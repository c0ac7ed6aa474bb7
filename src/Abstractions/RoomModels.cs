namespace Scribe;

/// <summary>A LiveKit participant as far as transcription cares.</summary>
[GenerateSerializer, Immutable, Alias("scribe.participant")]
public sealed record ParticipantInfo(
    [property: Id(0)] string Identity,
    [property: Id(1)] string Name,
    [property: Id(2)] string Sid);

/// <summary>A published microphone track that is to be transcribed.</summary>
[GenerateSerializer, Immutable, Alias("scribe.track")]
public sealed record TrackInfo(
    [property: Id(0)] string Sid,
    [property: Id(1)] bool Muted);

[GenerateSerializer, Alias("scribe.room-state")]
public enum RoomState
{
    Active = 0,
    Finished = 1,
}

[GenerateSerializer, Alias("scribe.speaker-state")]
public enum SpeakerState
{
    Idle = 0,
    Starting = 1,
    Streaming = 2,
    Muted = 3,
    WaitingForCapacity = 4,
    Stopped = 5,
    Error = 6,
}

[GenerateSerializer, Immutable, Alias("scribe.speaker-status")]
public sealed record SpeakerStatus(
    [property: Id(0)] string Identity,
    [property: Id(1)] string Name,
    [property: Id(2)] string? TrackSid,
    [property: Id(3)] SpeakerState State,
    [property: Id(4)] string? Endpoint,
    [property: Id(5)] string? EgressId,
    [property: Id(6)] string? Error,
    [property: Id(7)] SpeakerUsage? Usage = null);

[GenerateSerializer, Immutable, Alias("scribe.room-summary")]
public sealed record RoomSummary(
    [property: Id(0)] string Name,
    [property: Id(1)] RoomState State,
    [property: Id(2)] DateTimeOffset StartedAt,
    [property: Id(3)] DateTimeOffset? FinishedAt,
    [property: Id(4)] IReadOnlyList<string> Speakers,
    [property: Id(5)] int SegmentCount,
    [property: Id(6)] long Revision);
