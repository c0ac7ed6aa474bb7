namespace Scribe.Participants;

/// <summary>What a participant grain keeps across activations: small, and written on changes only.</summary>
[GenerateSerializer, Alias("scribe.participant-record")]
public sealed class ParticipantRecord
{
    [Id(0)] public string Room { get; set; } = "";
    [Id(1)] public string Identity { get; set; } = "";
    [Id(2)] public string Name { get; set; } = "";

    /// <summary>The published microphone track being transcribed, or null.</summary>
    [Id(3)] public string? TrackSid { get; set; }

    /// <summary>The egress streaming <see cref="TrackSid"/> to us, once LiveKit started it.</summary>
    [Id(4)] public string? EgressId { get; set; }

    /// <summary>Counts ingest attachments; part of segment ids, so a restarted egress never reuses an id.</summary>
    [Id(5)] public int Epoch { get; set; }
    [Id(6)] public DateTimeOffset? ClockOrigin { get; set; }
    [Id(7)] public string? Error { get; set; }

    /// <summary>The silo whose ingest URL <see cref="EgressId"/> dials: a new activation elsewhere restarts the egress to itself.</summary>
    [Id(8)] public string? EgressSilo { get; set; }

    /// <summary>The egress whose socket fed the stream of <see cref="Epoch"/>.</summary>
    [Id(9)] public string? AttachedEgressId { get; set; }

    /// <summary>Restarts since the track was published (or since a stream last ran healthily).</summary>
    [Id(10)] public int Restarts { get; set; }

    /// <summary>Egresses we asked to stop and have not yet told LiveKit about.</summary>
    [Id(11)] public List<string> PendingStops { get; set; } = [];

    /// <summary>Recently ended tracks: a late or reordered track_published for one of them is ignored.</summary>
    [Id(12)] public List<string> EndedTracks { get; set; } = [];

    /// <summary>The participant session (sid) that left: its late events are ignored; a rejoin has a new sid.</summary>
    [Id(13)] public string? LeftSid { get; set; }

    /// <summary>Speech, generation and session time of the streams that have ended.</summary>
    [Id(14)] public SpeakerUsage Usage { get; set; } = SpeakerUsage.None;

    /// <summary>The room is not transcribed now: <see cref="TrackSid"/> is known but gets no egress.</summary>
    [Id(15)] public bool TranscriptionOff { get; set; }
}
