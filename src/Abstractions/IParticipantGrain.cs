using Orleans.Concurrency;

namespace Scribe;

/// <summary>
/// One speaker of one room (key: <c>{room}/{identity}</c>). Owns the egress of the speaker's microphone track,
/// the audio that arrives for it at ingest, and its realtime session with a speech endpoint. Methods that start
/// or stop egress only record the wish: the LiveKit calls run in a grain timer. They are one-way, so a webhook (or
/// the room) never waits for them, not even behind an egress call already in flight for this speaker; the grain
/// handles events in any order, and callers observe the outcome through <see cref="GetStatusAsync"/>.
/// </summary>
[Alias("scribe.participant-grain")]
public interface IParticipantGrain : IGrainWithStringKey
{
    /// <summary>
    /// The participant published its microphone track. With <paramref name="transcribe"/> false (the room is not being
    /// transcribed now) the track is only recorded: no egress, no endpoint session, until <see cref="SetTranscriptionAsync"/>.
    /// </summary>
    [OneWay, Alias("start-track")] Task StartTrackAsync(ParticipantInfo participant, TrackInfo track, bool transcribe);

    /// <summary>
    /// Turns transcription of the published track on (a fresh egress) or off: the stream ends at the speaker's next
    /// pause with its last utterance delivered (bounded by a few seconds), then the egress stops; the track stays
    /// known and usage is kept. Idempotent; persisted.
    /// </summary>
    [OneWay, Alias("transcription")] Task SetTranscriptionAsync(bool active);

    [OneWay, Alias("stop-track")] Task StopTrackAsync(string trackSid);

    /// <summary>The room finished: stop whatever runs.</summary>
    [OneWay, Alias("room-finished")] Task RoomFinishedAsync();

    /// <summary>The participant left (or its connection aborted): stop, and ignore late events of this session.</summary>
    [OneWay, Alias("participant-left")] Task ParticipantLeftAsync(ParticipantInfo participant);

    /// <summary>Makes sure this silo holds the speaker's stream for <paramref name="trackSid"/> so ingest can feed it.</summary>
    /// <param name="clockOrigin">The room's media-clock origin, fetched by the caller: a participant never waits on its
    /// room inside a turn, since the room waits on its participants (that cycle would deadlock both).</param>
    [Alias("attach-ingest")] Task<bool> AttachIngestAsync(string trackSid, DateTimeOffset clockOrigin);

    /// <summary>The ingest socket of stream <paramref name="epoch"/> ended; restarts egress when it died under a published track.</summary>
    [OneWay, Alias("ingest-ended")] Task IngestEndedAsync(string trackSid, int epoch, IngestEnd end, string reason);

    /// <summary>LiveKit reported <paramref name="egressId"/> ended (egress_ended, or egress_updated with a final status).</summary>
    [OneWay, Alias("egress-ended")] Task EgressEndedAsync(string egressId, bool failed, string reason);

    /// <summary>
    /// Makes sure a published track is being transcribed. Reaching the grain is most of the work: after its silo
    /// died, this call activates it on a live silo, and the activation moves the egress there.
    /// </summary>
    [OneWay, Alias("resume")] Task ResumeAsync();

    /// <summary>
    /// This silo is shutting down: stop the stream here (the caller waited for a pause), and move the speaker to
    /// <paramref name="target"/>, where its next activation starts a fresh egress. With no target the speaker just stops.
    /// </summary>
    [Alias("hand-off")] Task HandOffAsync(SiloAddress? target);

    [Alias("status")] Task<SpeakerStatus> GetStatusAsync();

    /// <summary>
    /// Agent mode: the room's agent subscribed <paramref name="trackSid"/> on <paramref name="feeder"/>; builds the
    /// speaker's stream there for the agent to feed. False when this activation lives on another silo (it moves to the
    /// feeder's; ask again) or the stream could not be registered.
    /// </summary>
    [Alias("attach-agent-track")] Task<bool> AttachAgentTrackAsync(ParticipantInfo participant, string trackSid, DateTimeOffset clockOrigin, SiloAddress feeder);

    /// <summary>
    /// Whether a stream of this speaker still runs or finishes here (its last segments not yet delivered to the room).
    /// A finished room asks, so it can call its transcript complete without waiting out a final timeout.
    /// </summary>
    [Alias("streaming")] Task<bool> IsStreamingAsync();

    /// <summary>Deletes the speaker's stored record (its room is being erased) and deactivates.</summary>
    [Alias("erase")] Task EraseAsync();
}
