using Scribe.Captions;

namespace Scribe.Agent;

/// <summary>
/// In Agent mode the transcript data messages go into the room through the agent, not Twirp SendData. While the agent
/// is not in the room a message has nobody to go through and is dropped: the room announces its status again when the
/// agent joins, and segments are sent by the streams the agent feeds, which only exist while it is in.
/// </summary>
public sealed class AgentTranscriptDataChannel(AgentRooms rooms) : ITranscriptDataChannel
{
    public Task SendAsync(string room, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        rooms.TryGet(room, out var link)
            ? link.Connection.SendDataAsync(TranscriptDataMessage.Topic, payload, null, cancellationToken)
            : Task.CompletedTask;

    public Task SendToAsync(string room, string identity, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        rooms.TryGet(room, out var link)
            ? link.Connection.SendDataAsync(TranscriptDataMessage.Topic, payload, [identity], cancellationToken)
            : Task.CompletedTask;
}
