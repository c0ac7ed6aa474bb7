using Microsoft.Extensions.Logging;

namespace Scribe.Participants;

// Interim: the participant gate as the room needs it, until the participant redesign replaces it.
public sealed partial class ParticipantGrain
{
    private static readonly TimeSpan PausePoll = TimeSpan.FromMilliseconds(20);

    public async Task SetTranscriptionAsync(bool active)
    {
        if (active != State.TranscriptionOff)
        {
            return; // already so
        }

        State.TranscriptionOff = !active;
        if (active)
        {
            State.Error = null;
            State.Restarts = 0;
            await record.WriteStateAsync();
            ScheduleOutstandingEgressWork();
            return;
        }

        await record.WriteStateAsync();
        if (_stream is { Ended.IsCompleted: false } stream)
        {
            // As a hand-off does: no new utterance opens, the running one ends at the speaker's next pause (bounded).
            stream.Transcriber.EndAtNextPause();
            var deadline = time.GetUtcNow() + HandOffEnd;
            while (!stream.Transcriber.AtGenerationBoundary && !stream.Ended.IsCompleted && time.GetUtcNow() < deadline)
            {
                await Task.Delay(PausePoll);
            }
        }

        if (State.EgressId is { } egressId)
        {
            State.PendingStops.Add(egressId);
            State.EgressId = null;
        }

        RetireStream(); // the ingest socket closes and delivers the last segment
        await record.WriteStateAsync();
        ScheduleOutstandingEgressWork();
        LogTranscriptionOff(State.Room, State.Identity);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: transcription off; the track stays known")]
    private partial void LogTranscriptionOff(string room, string identity);
}
