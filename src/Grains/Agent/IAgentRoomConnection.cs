namespace Scribe.Agent;

/// <summary>The agent's presence in one room, as <see cref="IRoomAgents.JoinAsync"/> returned it.</summary>
public interface IAgentRoomConnection
{
    string Room { get; }

    /// <summary>Who was in the room when the agent joined (agents and hidden participants included, as LiveKit lists them).</summary>
    IReadOnlyList<AgentParticipant> Participants { get; }

    /// <summary>
    /// Publishes a caption as LiveKit's legacy transcription packet and as an <c>lk.transcription</c> text stream on
    /// behalf of the speaker (the contract's <c>transcription</c>). Callers never pass empty text.
    /// </summary>
    Task PublishTranscriptionAsync(AgentCaption caption, CancellationToken cancellationToken);

    /// <summary>A reliable data packet on <paramref name="topic"/>; to everyone, or only to <paramref name="destinations"/>.</summary>
    Task SendDataAsync(string topic, ReadOnlyMemory<byte> payload, IReadOnlyList<string>? destinations, CancellationToken cancellationToken);

    /// <summary>Disconnects from the room; <see cref="IAgentRoomEvents.Left"/> follows.</summary>
    Task LeaveAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One segment upsert as a LiveKit transcription: attributed to <paramref name="Speaker"/> and its microphone
/// <paramref name="TrackSid"/>, one segment whose id is our <paramref name="SegmentId"/> (interim, then final, under
/// the same id); times in ms of the room's media clock.
/// </summary>
public sealed record AgentCaption(
    string Speaker, string TrackSid, string SegmentId, string Text, bool Final, long StartMs, long EndMs, string? Language)
{
    public static AgentCaption Of(TranscriptSegment segment, string? language) =>
        new(segment.Speaker, segment.TrackSid, segment.Id, segment.Text, segment.IsFinal, segment.StartMs, segment.EndMs, segment.Language ?? language);
}
