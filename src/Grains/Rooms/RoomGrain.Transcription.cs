using System.Text.Json;
using Microsoft.Extensions.Logging;
using Scribe.Captions;

namespace Scribe.Rooms;

/// <summary>
/// The room's transcription status: whether its speakers are transcribed now (<c>Transcription:Activation</c>, and
/// the start and stop requests), told to the speakers, to the people in the room (a status message on the data
/// topic) and to the meeting backend (<see cref="IBackendEvents"/>).
/// </summary>
public sealed partial class RoomGrain
{
    public const string TranscriptionStartedEvent = "transcription.started";
    public const string TranscriptionStoppedEvent = "transcription.stopped";

    /// <summary>Who a transcription is attributed to when the <c>AllRooms</c> policy started it.</summary>
    public const string PolicyRequester = "policy";

    /// <summary>Who a transcription is attributed to when LiveKit's agent dispatch started or ended it.</summary>
    public const string DispatchRequester = "dispatch";

    /// <summary>Who a transcription is attributed to when it ended with its room.</summary>
    public const string RoomFinishedRequester = "livekit";

    // Status messages go out one after another, so a quick start and stop reach the room in that order.
    private Task _announced = Task.CompletedTask;

    /// <summary>A room never decided on follows the policy: under <c>AllRooms</c> every running room is transcribed.</summary>
    private bool IsTranscribing => State.Transcription?.Active
        ?? (activation.Value.Policy == TranscriptionActivation.AllRooms && State.Phase == RoomPhase.Active);

    public async Task<TranscriptionStatus> StartTranscriptionAsync(TranscriptionRequest request)
    {
        if (IsTranscribing)
        {
            return Status(); // idempotent: a second start neither restarts nor relabels
        }

        State.Name = this.GetPrimaryKeyString();
        var started = new RoomTranscription { Active = true, Since = time.GetUtcNow(), Language = request.Language, RequestedBy = request.RequestedBy };
        State.Transcription = started;
        await WriteRecordAsync();
        LogTranscriptionStarted(State.Name, request.RequestedBy, request.Language ?? "");
        await TellSpeakersTranscriptionAsync(true);
        Announce();
        AdoptJob(request.Job);
        await AgentWantedAsync();
        await RaiseAsync(TranscriptionStartedEvent, started);
        return Status();
    }

    public async Task<TranscriptionStatus> StopTranscriptionAsync(string requestedBy)
    {
        if (!IsTranscribing)
        {
            return Status();
        }

        var language = State.Transcription?.Language;
        State.Name = this.GetPrimaryKeyString();
        State.Transcription = new RoomTranscription { Active = false, Since = time.GetUtcNow(), RequestedBy = requestedBy };
        await WriteRecordAsync();
        LogTranscriptionStopped(State.Name, requestedBy);
        // Each speaker's stream ends at its next pause with its last utterance delivered; the transcript stays.
        await TellSpeakersTranscriptionAsync(false);
        Announce();
        await ApplyAgentAsync(new Agent.AgentEvent.TranscriptionStopped()); // leaves once the streams delivered what they have
        await RaiseAsync(TranscriptionStoppedEvent, new RoomTranscription { Language = language, RequestedBy = requestedBy });
        return Status();
    }

    public Task<TranscriptionStatus> GetTranscriptionAsync() => Task.FromResult(Status());

    public async Task<bool> EndDispatchedJobAsync(string jobId)
    {
        if (!IsTranscribing || !HoldsJob(jobId))
        {
            LogJobEndIgnored(this.GetPrimaryKeyString(), jobId);
            return false;
        }

        await StopTranscriptionAsync(DispatchRequester);
        return true;
    }

    private TranscriptionStatus Status()
    {
        var room = this.GetPrimaryKeyString();
        return State.Transcription is { } decided
            ? new TranscriptionStatus(room, decided.Active, decided.Since, decided.Language, decided.RequestedBy)
            : IsTranscribing
                ? new TranscriptionStatus(room, true, State.ClockOrigin, null, PolicyRequester)
                : new TranscriptionStatus(room, false, null, null, null);
    }

    /// <summary>A room session begins: under <c>AllRooms</c>, one not decided on yet is transcribed. True when that started it.</summary>
    private bool BeginSessionTranscription()
    {
        if (State.Transcription is not null || activation.Value.Policy != TranscriptionActivation.AllRooms)
        {
            return false;
        }

        State.Transcription = new RoomTranscription { Active = true, Since = State.ClockOrigin, RequestedBy = PolicyRequester };
        return true;
    }

    /// <summary>The room session ended: what was decided for it lapses. Returns the transcription it ended, if one ran.</summary>
    private RoomTranscription? EndSessionTranscription()
    {
        var ended = IsTranscribing ? new RoomTranscription { Language = State.Transcription?.Language, RequestedBy = RoomFinishedRequester } : null;
        State.Transcription = null;
        return ended;
    }

    /// <summary>Tells the room (or one participant) whether transcription is on; only a running room has anyone to tell.</summary>
    private void Announce(string? identity = null)
    {
        if (State.Phase != RoomPhase.Active)
        {
            return;
        }

        var payload = new TranscriptionStatusMessage(IsTranscribing, State.Transcription?.Language).ToUtf8Json();
        _announced = AnnounceAfterAsync(_announced, State.Name, identity, payload);
    }

    private async Task AnnounceAfterAsync(Task previous, string room, string? identity, byte[] payload)
    {
        await previous;
        try
        {
            await (identity is null
                ? dataChannel.SendAsync(room, payload, CancellationToken.None)
                : dataChannel.SendToAsync(room, identity, payload, CancellationToken.None));
        }
        catch (Exception e)
        {
            // The status is kept and served by the API; a browser that missed this message learns it on its next join.
            LogStatusNotSent(e, room, identity ?? "*");
        }
    }

    private async Task RaiseAsync(string type, RoomTranscription transcription)
    {
        var data = JsonSerializer.Serialize(new { language = transcription.Language, requestedBy = transcription.RequestedBy });
        var notification = new BackendNotification(Guid.NewGuid().ToString(), type, time.GetUtcNow(), this.GetPrimaryKeyString(), data);
        try
        {
            await backendEvents.RaiseAsync(notification);
        }
        catch (Exception e)
        {
            // The change itself is stored; only the backend's copy of the news is lost.
            LogEventNotRaised(e, this.GetPrimaryKeyString(), type);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room}: transcription started at the request of {RequestedBy} (language '{Language}')")]
    private partial void LogTranscriptionStarted(string room, string requestedBy, string language);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room}: transcription stopped at the request of {RequestedBy}")]
    private partial void LogTranscriptionStopped(string room, string requestedBy);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room}: LiveKit ended job {JobId}, no longer the room's (its agent session ended, or another started the transcription); the transcription goes on")]
    private partial void LogJobEndIgnored(string room, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: the transcription status could not be sent to {Identity}")]
    private partial void LogStatusNotSent(Exception exception, string room, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: backend event {Type} could not be raised")]
    private partial void LogEventNotRaised(Exception exception, string room, string type);
}
