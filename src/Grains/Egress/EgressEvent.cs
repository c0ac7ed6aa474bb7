namespace Scribe.Egress;

/// <summary>What happened to a speaker's egress; <see cref="EgressLifecycle.Apply"/> decides what follows.</summary>
public abstract record EgressEvent
{
    private EgressEvent()
    {
    }

    /// <summary>track_published (or the room reconciled it); <paramref name="Transcribe"/>: the room is being transcribed.</summary>
    public sealed record TrackPublished(string TrackSid, string ParticipantSid, bool Transcribe) : EgressEvent;

    public sealed record TrackUnpublished(string TrackSid) : EgressEvent;

    /// <summary>The participant left (or its connection aborted); an empty sid when the room only saw it gone.</summary>
    public sealed record ParticipantLeft(string ParticipantSid) : EgressEvent;

    public sealed record RoomFinished : EgressEvent;

    public sealed record TranscriptionSet(bool Active) : EgressEvent;

    /// <summary>The egress work started <paramref name="EgressId"/>, dialling <paramref name="Silo"/>.</summary>
    public sealed record EgressStarted(string EgressId, string Silo) : EgressEvent;

    public sealed record EgressStartFailed(string Reason) : EgressEvent;

    /// <summary>LiveKit no longer has the track: it ended while its webhooks were on their way.</summary>
    public sealed record TrackGone : EgressEvent;

    /// <summary>LiveKit was told to stop <paramref name="EgressId"/> (or could not be, which ends it anyway).</summary>
    public sealed record StopSent(string EgressId) : EgressEvent;

    /// <summary>The egress's socket attached to a new stream on this silo.</summary>
    public sealed record IngestAttached : EgressEvent;

    public sealed record IngestEnded(string TrackSid, int Epoch, IngestEnd End, string Reason) : EgressEvent;

    /// <summary>LiveKit reported the egress ended (egress_ended, or egress_updated with a final status).</summary>
    public sealed record EgressEnded(string EgressId, bool Failed, string Reason) : EgressEvent;

    /// <summary>The grain activated on <paramref name="Silo"/>.</summary>
    public sealed record Activated(string Silo) : EgressEvent;

    /// <summary>A silo died, and the room wakes its speakers.</summary>
    public sealed record Resumed : EgressEvent;

    /// <summary>This silo stops; the grain moves to another, whose activation starts a fresh egress.</summary>
    public sealed record HandedOff : EgressEvent;
}
