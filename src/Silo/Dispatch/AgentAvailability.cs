namespace Scribe.Silo.Dispatch;

/// <summary>How the worker answers LiveKit's availability request for a room job.</summary>
public static class AgentAvailability
{
    public enum Answer
    {
        /// <summary>Available: the assignment follows.</summary>
        Accept,

        /// <summary>Not available (draining, or no room named): the server asks the next worker.</summary>
        Decline,

        /// <summary>Terminate: the room already has our agent, so the job is done without a second one.</summary>
        AlreadyServed,
    }

    public static Answer Decide(bool draining, bool hasRoom, bool roomTranscribed) =>
        draining || !hasRoom ? Answer.Decline
        : roomTranscribed ? Answer.AlreadyServed
        : Answer.Accept;
}
