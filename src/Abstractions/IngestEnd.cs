namespace Scribe;

/// <summary>How an ingest socket ended, as the participant grain needs to know to decide on a restart.</summary>
[GenerateSerializer, Alias("scribe.ingest-end")]
public enum IngestEnd
{
    /// <summary>The egress closed the socket with a close frame: it finished (track ended or stopped).</summary>
    EgressClosed = 0,

    /// <summary>The socket vanished without a close handshake: the egress died.</summary>
    Lost = 1,

    /// <summary>We stopped the stream on this silo (track stopped, room finished, grain deactivated).</summary>
    StoppedHere = 2,

    /// <summary>The egress sent something that is not the egress protocol; we closed the socket.</summary>
    Malformed = 3,

    /// <summary>Our side failed while handling audio; we closed the socket.</summary>
    Failed = 4,
}
