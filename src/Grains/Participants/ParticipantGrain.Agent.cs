using Microsoft.Extensions.Logging;
using Scribe.Egress;
using Scribe.LiveKit;
using Scribe.Realtime;

namespace Scribe.Participants;

/// <summary>
/// The speaker in Agent mode (<c>LiveKit:Audio</c> = <c>Agent</c>): the room's agent connection subscribes to the
/// microphone and feeds the stream on its own silo, so the stream must live there (the PCM is in-process), and no
/// egress is ever started. <see cref="ApplyAsync"/> hands every event here instead of to the egress lifecycle.
/// </summary>
public sealed partial class ParticipantGrain
{
    private bool AgentAudio => liveKitOptions.Value.Audio == LiveKitAudio.Agent;

    public async Task<bool> AttachAgentTrackAsync(ParticipantInfo participant, string trackSid, DateTimeOffset clockOrigin, SiloAddress feeder)
    {
        Name(participant);
        if (feeder.ToParsableString() != ThisSilo)
        {
            // The agent's PCM is on the feeder's silo: move there; the caller asks again once this activation is gone.
            LogMovingToAgent(State.Room, participant.Identity, feeder.ToParsableString());
            MoveTo(feeder);
            return false;
        }

        await RetireStreamAsync(); // an older subscription's stream (a rejoin): it completes with what it has
        State.ClockOrigin ??= clockOrigin;
        State.AgentEpoch++;
        await record.WriteStateAsync();
        return await StartStreamAsync(trackSid, State.AgentEpoch);
    }

    private async Task ApplyAgentAsync(EgressEvent happened, CancellationToken cancellationToken)
    {
        var action = AgentSpeakerRules.StreamActionOf(happened, _stream?.Speaker.TrackSid);
        if (action == StreamAction.EndAtPause && _stream is { } stream && !await stream.EndAtNextPauseAsync(SpeakerStream.PauseWait, cancellationToken))
        {
            LogPauseNotReached(State.Room, State.Identity, SpeakerStream.PauseWait.TotalSeconds);
        }

        if (action != StreamAction.Keep)
        {
            await RetireStreamAsync();
        }
    }

    /// <summary>Deactivates this activation so that the next call places the grain on <paramref name="target"/>.</summary>
    private void MoveTo(SiloAddress target)
    {
        using (PlacementHintScope.Toward(target))
        {
            MigrateOnIdle();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity} moves to the agent's silo {Silo}")]
    private partial void LogMovingToAgent(string room, string identity, string silo);
}
