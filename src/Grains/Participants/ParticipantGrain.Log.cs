using Microsoft.Extensions.Logging;

namespace Scribe.Participants;

/// <summary>The participant grain's log lines.</summary>
public sealed partial class ParticipantGrain
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: the stream did not end within {Seconds} s of the hand-off; its usage stays behind")]
    private partial void LogHandOffUnfinished(string room, string identity, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: still talking {Seconds} s after transcription was turned off; the stream is cut")]
    private partial void LogPauseNotReached(string room, string identity, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: egress of track {TrackSid} lost ({Reason}); restart {Restart} in {DelayMs} ms")]
    private partial void LogRestarting(string room, string identity, string trackSid, string reason, int restart, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity}: track {TrackSid} is no longer transcribed: {Error}")]
    private partial void LogGaveUp(string room, string identity, string trackSid, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speaker {Room}/{Identity}: ignored track {TrackSid} of a session that already ended")]
    private partial void LogStaleTrack(string room, string identity, string trackSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: deactivated while streaming ({Reason}: {Description}); the stream stops")]
    private partial void LogDeactivatedWhileStreaming(string room, string identity, DeactivationReasonCode reason, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: this silo is stopping; moving to {Silo}")]
    private partial void LogHandingOff(string room, string identity, string silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: egress {EgressId} dialled silo {OldSilo}; restarting it to {Silo}")]
    private partial void LogEgressMoved(string room, string identity, string egressId, string oldSilo, string silo);
}
