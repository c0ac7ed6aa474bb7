namespace Scribe.Silo.Dispatch;

/// <summary>What the agent worker does with LiveKit's jobs: the rooms' transcription, whatever keeps it.</summary>
public interface IAgentJobs
{
    /// <summary>Whether the room is transcribed already (its agent is there or on its way): a second job would be a second agent.</summary>
    Task<bool> IsTranscribedAsync(string room, CancellationToken cancellationToken);

    Task StartAsync(string room, CancellationToken cancellationToken);

    Task StopAsync(string room, CancellationToken cancellationToken);
}
