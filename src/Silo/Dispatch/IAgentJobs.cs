namespace Scribe.Silo.Dispatch;

/// <summary>What the agent worker does with LiveKit's jobs: the rooms' transcription, whatever keeps it.</summary>
public interface IAgentJobs
{
    /// <summary>The rooms the agent is in on this silo now: the worker's load.</summary>
    int RoomsCarried { get; }

    /// <summary>
    /// Whether the room is transcribed already (its agent is there or on its way): a second job would be a second
    /// agent. With <paramref name="placeHere"/>, a room not active anywhere is placed on this silo (the job's, if accepted).
    /// </summary>
    Task<bool> IsTranscribedAsync(string room, bool placeHere, CancellationToken cancellationToken);

    /// <summary>Starts the room's transcription for <paramref name="job"/>, whose token the agent joins with.</summary>
    Task StartAsync(string room, DispatchedJob job, CancellationToken cancellationToken);

    /// <summary>LiveKit ended the job: stops the transcription if the job is still the room's; returns whether it did.</summary>
    Task<bool> EndAsync(string room, string jobId, CancellationToken cancellationToken);
}
