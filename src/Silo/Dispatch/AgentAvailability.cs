namespace Scribe.Silo.Dispatch;

/// <summary>How the worker answers LiveKit's availability request for a room job.</summary>
public static class AgentAvailability
{
    public enum Answer
    {
        /// <summary>Available: the assignment follows.</summary>
        Accept,

        /// <summary>Not available (draining, full, or no room named): the server asks the next worker.</summary>
        Decline,

        /// <summary>Terminate: the room already has our agent, so the job is done without a second one.</summary>
        AlreadyServed,
    }

    /// <summary>A room that has our agent is never joined again, even by a full or stopping silo: that job ends here.</summary>
    /// <param name="full">The silo is stopping or carries its limit of rooms (<see cref="WorkerLoad"/>).</param>
    public static Answer Decide(bool full, bool hasRoom, bool roomTranscribed) =>
        !hasRoom ? Answer.Decline
        : roomTranscribed ? Answer.AlreadyServed
        : full ? Answer.Decline
        : Answer.Accept;
}
