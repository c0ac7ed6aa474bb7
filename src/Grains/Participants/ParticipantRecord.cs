using Scribe.Egress;

namespace Scribe.Participants;

/// <summary>What a participant grain keeps across activations: small, and written on changes only.</summary>
[GenerateSerializer, Alias("scribe.participant-record")]
public sealed class ParticipantRecord
{
    [Id(0)] public string Room { get; set; } = "";
    [Id(1)] public string Identity { get; set; } = "";
    [Id(2)] public string Name { get; set; } = "";

    /// <summary>The room's media-clock origin, as the first attached stream learned it.</summary>
    [Id(3)] public DateTimeOffset? ClockOrigin { get; set; }

    /// <summary>The track, its egress and their phase.</summary>
    [Id(4)] public EgressRecord Egress { get; set; } = new();

    /// <summary>Speech, generation and session time of the streams that have ended.</summary>
    [Id(5)] public SpeakerUsage Usage { get; set; } = SpeakerUsage.None;

    /// <summary>Counts the streams the room's agent fed (Agent mode), so a resubscribed track's segment ids never repeat.</summary>
    [Id(6)] public int AgentEpoch { get; set; }
}
