namespace Scribe;

/// <summary>
/// One speaker of one room (key: <c>{room}/{identity}</c>). Owns the egress of the speaker's microphone track,
/// the audio that arrives for it at ingest, and its realtime session with a speech endpoint.
/// </summary>
[Alias("scribe.participant-grain")]
public interface IParticipantGrain : IGrainWithStringKey
{
    [Alias("start-track")] Task StartTrackAsync(ParticipantInfo participant, TrackInfo track);
    [Alias("stop-track")] Task StopTrackAsync(string trackSid);
    [Alias("leave")] Task LeaveAsync();

    /// <summary>Makes sure this silo holds the speaker's stream for <paramref name="trackSid"/> so ingest can feed it.</summary>
    [Alias("attach-ingest")] Task<bool> AttachIngestAsync(string trackSid);

    [Alias("status")] Task<SpeakerStatus> GetStatusAsync();
}
