namespace Scribe.Media;

/// <summary>
/// What happens in a room the media process is in, as the room's owner (later the room grain) hears it. Calls
/// come one at a time in the order the media process saw them, on the channel's reader: keep them short.
/// </summary>
public interface IAgentRoomEvents
{
    /// <summary>In the room: at the first join and again after every media restart.</summary>
    ValueTask OnJoinedAsync(AgentRoom room, IReadOnlyList<AgentParticipant> participants);

    /// <summary>The join did not succeed. The room stays registered (and is tried again after a media restart) until left.</summary>
    ValueTask OnJoinFailedAsync(AgentRoom room, string error);

    /// <summary>A transcribed microphone is subscribed; its PCM comes on <see cref="AgentTrack.Frames"/>.</summary>
    ValueTask OnTrackAsync(AgentTrack track);

    ValueTask OnMutedAsync(AgentTrack track, bool muted);

    /// <summary>No more audio under this track's handle (unpublished, unsubscribed, its participant left, the room left, or the media process restarted).</summary>
    ValueTask OnTrackEndedAsync(AgentTrack track, string reason);

    ValueTask OnParticipantLeftAsync(AgentRoom room, string identity, string participantSid);

    /// <summary>The SDK lost the connection and is resuming it; <see cref="OnReconnectedAsync"/> follows when it did.</summary>
    ValueTask OnReconnectingAsync(AgentRoom room);

    ValueTask OnReconnectedAsync(AgentRoom room);

    /// <summary>Out of the room for good: left on request, room closed, removed, or the SDK gave up.</summary>
    ValueTask OnLeftAsync(AgentRoom room, string reason);
}
