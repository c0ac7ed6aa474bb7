using Microsoft.Extensions.Logging;
using Scribe.Participants;

namespace Scribe.Rooms;

/// <summary>The room's speakers: who they are (<see cref="RoomRecord.Speakers"/>), and every call the room makes to them.</summary>
public sealed partial class RoomGrain
{
    /// <summary>How long a finished room waits for its speakers to say whether a stream still runs; no answer counts as yes.</summary>
    private static readonly TimeSpan SpeakerQueryLimit = TimeSpan.FromSeconds(1);

    public async Task ParticipantJoinedAsync(ParticipantInfo participant)
    {
        await KnowParticipantAsync(participant);
        if (IsTranscribing)
        {
            Announce(participant.Identity); // a newcomer learns that captions are on
        }
    }

    public async Task TrackPublishedAsync(ParticipantInfo participant, TrackInfo track)
    {
        await KnowParticipantAsync(participant);
        // Always forwarded: a speaker of a room not transcribed now keeps its track known for a later start.
        await Participant(participant.Identity).StartTrackAsync(participant, track, IsTranscribing);
    }

    public Task ResumeSpeakersAsync() => State.Phase == RoomPhase.Active
        ? Task.WhenAll([.. State.Speakers.Keys.Select(identity => Participant(identity).ResumeAsync()), AgentWantedAsync()])
        : Task.CompletedTask;

    private async Task KnowParticipantAsync(ParticipantInfo participant)
    {
        await StartAsync();
        if (State.Speakers.TryAdd(participant.Identity, participant.Name))
        {
            await WriteRecordAsync();
        }

        await AgentWantedAsync(); // Agent mode: someone to transcribe is in the room
    }

    /// <summary>One-way calls: each speaker stops what runs; its stream delivers its last segments on its own time.</summary>
    private Task TellSpeakersRoomFinishedAsync() => Task.WhenAll(State.Speakers.Keys.Select(identity => Participant(identity).RoomFinishedAsync()));

    /// <summary>One-way calls: each speaker starts its egress from its own timer, or ends its stream at its next pause.</summary>
    private Task TellSpeakersTranscriptionAsync(bool active) => Task.WhenAll(State.Speakers.Keys.Select(identity => Participant(identity).SetTranscriptionAsync(active)));

    private Task EraseSpeakersAsync() => Task.WhenAll(State.Speakers.Keys.Select(identity => Participant(identity).EraseAsync()));

    /// <summary>Whether no speaker of the room has a stream still running or delivering; false when one cannot say in time.</summary>
    private async Task<bool> SpeakersStoppedAsync()
    {
        try
        {
            var streaming = await Task.WhenAll(State.Speakers.Keys.Select(identity => Participant(identity).IsStreamingAsync())).WaitAsync(SpeakerQueryLimit, time);
            return !streaming.Contains(true);
        }
        catch (Exception e)
        {
            // A speaker that cannot answer may still deliver: the room waits as for a stream that vanished.
            LogSpeakersNotAsked(e, this.GetPrimaryKeyString());
            return false;
        }
    }

    private IParticipantGrain Participant(string identity) =>
        GrainFactory.GetGrain<IParticipantGrain>(ParticipantKey.Of(this.GetPrimaryKeyString(), identity));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Room {Room}: could not learn whether its speakers' streams have ended; waiting as for a lost stream")]
    private partial void LogSpeakersNotAsked(Exception exception, string room);
}
