using Scribe.Egress;
using static Scribe.Egress.EgressEvent;

namespace Scribe.Participants;

/// <summary>
/// A speaker's events in Agent mode, where no egress exists: the room's agent subscribes and feeds the stream, so an
/// event only ever ends the stream here. The egress lifecycle (and its record) is left untouched.
/// </summary>
public static class AgentSpeakerRules
{
    /// <param name="trackSid">The track of the stream running here, if any.</param>
    public static StreamAction StreamActionOf(EgressEvent happened, string? trackSid) => happened switch
    {
        _ when trackSid is null => StreamAction.Keep,
        TrackUnpublished e => e.TrackSid == trackSid ? StreamAction.Stop : StreamAction.Keep,
        ParticipantLeft or RoomFinished or HandedOff => StreamAction.Stop,
        TranscriptionSet { Active: false } => StreamAction.EndAtPause,
        _ => StreamAction.Keep, // published, transcription on, resumed, activated: the agent's subscription starts streams
    };
}
