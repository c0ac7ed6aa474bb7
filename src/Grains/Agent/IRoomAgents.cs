namespace Scribe.Agent;

/// <summary>
/// This silo's way into LiveKit rooms as the cluster's hidden agent participant (AGENT-CONTRACT.md §1): the media
/// process behind it connects, subscribes to the microphones of the kinds it is told, and hands each track's audio
/// over as 16 kHz mono PCM. One per silo; a room is joined by the silo that hosts the room's grain.
/// </summary>
public interface IRoomAgents
{
    /// <summary>
    /// Joins <see cref="AgentJoin.Room"/> and returns once the agent is in it (the media process's <c>joined</c>);
    /// throws <see cref="AgentJoinFailedException"/> on <c>joinFailed</c>. From then on (and after a rejoin the media
    /// side makes on its own) the room's events go to <paramref name="events"/>, until <see cref="IAgentRoomEvents.Left"/>.
    /// Joining a room already joined replaces its token only.
    /// </summary>
    Task<IAgentRoomConnection> JoinAsync(AgentJoin join, IAgentRoomEvents events, CancellationToken cancellationToken);
}

/// <summary>The contract's <c>join</c>: <paramref name="TranscribeKinds"/> as LiveKit names them (<c>standard</c>, <c>sip</c> …).</summary>
public sealed record AgentJoin(string Room, string Url, string Token, string Identity, IReadOnlyList<string> TranscribeKinds);

/// <summary>A participant the agent found in the room when it joined (the contract's <c>joined.participants</c>).</summary>
public sealed record AgentParticipant(string Identity, string Sid, string Name, string Kind);

/// <summary>The media side could not join (the contract's <c>joinFailed</c>), or is not there at all.</summary>
public sealed class AgentJoinFailedException(string room, string error) : Exception($"The agent could not join room {room}: {error}")
{
    public string Room { get; } = room;

    public string Error { get; } = error;
}
