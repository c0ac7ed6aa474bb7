namespace Scribe.Egress;

/// <summary>The persisted egress state of one speaker, changed only by <see cref="EgressLifecycle.Apply"/>.</summary>
[GenerateSerializer, Alias("scribe.egress-record")]
public sealed class EgressRecord
{
    [Id(0)] public EgressPhase Phase { get; set; }

    /// <summary>The published microphone track, or null.</summary>
    [Id(1)] public string? TrackSid { get; set; }

    /// <summary>The egress streaming <see cref="TrackSid"/> to us (phases Running and Attached).</summary>
    [Id(2)] public string? EgressId { get; set; }

    /// <summary>The silo whose ingest URL <see cref="EgressId"/> dials: a new activation elsewhere restarts the egress to itself.</summary>
    [Id(3)] public string? EgressSilo { get; set; }

    /// <summary>Counts ingest attachments; part of segment ids, so a restarted egress never reuses an id.</summary>
    [Id(4)] public int Epoch { get; set; }

    [Id(5)] public DateTimeOffset? AttachedAt { get; set; }

    /// <summary>Restarts since the track was published (or since a stream last ran healthily).</summary>
    [Id(6)] public int Restarts { get; set; }

    /// <summary>A restart's backoff: no start before this.</summary>
    [Id(7)] public DateTimeOffset? NotBefore { get; set; }

    [Id(8)] public string? Error { get; set; }

    /// <summary>Egresses we asked to stop and have not yet told LiveKit about.</summary>
    [Id(9)] public List<string> PendingStops { get; set; } = [];

    /// <summary>Recently ended tracks: a late or reordered track_published for one of them is ignored.</summary>
    [Id(10)] public List<string> EndedTracks { get; set; } = [];

    /// <summary>The participant session (sid) that left: its late events are ignored; a rejoin has a new sid.</summary>
    [Id(11)] public string? LeftSid { get; set; }

    /// <summary>Whether the room wants this speaker transcribed (a silo restart keeps it).</summary>
    [Id(12)] public bool Transcribing { get; set; } = true;
}
