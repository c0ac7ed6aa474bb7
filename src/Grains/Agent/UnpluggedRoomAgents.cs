namespace Scribe.Agent;

/// <summary>
/// The stand-in until the media process is wired to <see cref="IRoomAgents"/>: every join fails, saying why, so a
/// silo configured with <c>LiveKit:Audio</c> = <c>Agent</c> shows the problem in its log and its room status instead
/// of transcribing nothing in silence.
/// </summary>
public sealed class UnpluggedRoomAgents : IRoomAgents
{
    public const string Reason = "no media process is plugged into this silo (LiveKit:Audio = Agent needs Scribe.Media)";

    public Task<IAgentRoomConnection> JoinAsync(AgentJoin join, IAgentRoomEvents events, CancellationToken cancellationToken) =>
        Task.FromException<IAgentRoomConnection>(new AgentJoinFailedException(join.Room, Reason));
}
