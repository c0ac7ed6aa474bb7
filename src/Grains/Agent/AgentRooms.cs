using System.Collections.Concurrent;

namespace Scribe.Agent;

/// <summary>
/// The rooms this silo's agent is in now, by room name: where a speaker stream's captions and the room's data
/// messages find the connection. The room's grain and its speakers' streams live on this silo (the speakers are placed
/// here), so the lookup is local.
/// </summary>
public sealed class AgentRooms
{
    private readonly ConcurrentDictionary<string, AgentRoomLink> _rooms = new(StringComparer.Ordinal);

    public void Set(AgentRoomLink link) => _rooms[link.Connection.Room] = link;

    /// <summary>Forgets the room's link, if it still is <paramref name="link"/> (a rejoin may have replaced it).</summary>
    public void Remove(AgentRoomLink link) => _rooms.TryRemove(new KeyValuePair<string, AgentRoomLink>(link.Connection.Room, link));

    /// <summary>The rooms joined here now.</summary>
    public IReadOnlyList<string> Names => [.. _rooms.Keys];

    public bool TryGet(string room, out AgentRoomLink link) => _rooms.TryGetValue(room, out link!);

    /// <summary>The room's connection, or an exception saying the agent is not in the room here.</summary>
    public AgentRoomLink Require(string room) => TryGet(room, out var link)
        ? link
        : throw new InvalidOperationException($"The agent is not in room {room} on this silo.");
}

/// <summary>A joined room: its connection and the language its transcription was asked in (captions carry it when known).</summary>
public sealed record AgentRoomLink(IAgentRoomConnection Connection, string? Language);
