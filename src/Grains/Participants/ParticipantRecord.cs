namespace Scribe.Participants;

/// <summary>What a participant grain keeps across activations: small, and written on changes only.</summary>
[GenerateSerializer, Alias("scribe.participant-record")]
public sealed class ParticipantRecord
{
    [Id(0)] public string Room { get; set; } = "";
    [Id(1)] public string Identity { get; set; } = "";
    [Id(2)] public string Name { get; set; } = "";
    [Id(3)] public string? TrackSid { get; set; }
    [Id(4)] public string? EgressId { get; set; }
    [Id(5)] public int Epoch { get; set; }
    [Id(6)] public DateTimeOffset? ClockOrigin { get; set; }
    [Id(7)] public string? Error { get; set; }
}
