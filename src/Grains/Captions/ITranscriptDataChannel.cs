namespace Scribe.Captions;

/// <summary>Sends transcript messages into a room on <see cref="TranscriptDataMessage.Topic"/>.</summary>
public interface ITranscriptDataChannel
{
    /// <summary>To every participant of the room.</summary>
    Task SendAsync(string room, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>To one participant (LiveKit's <c>destination_identities</c>).</summary>
    Task SendToAsync(string room, string identity, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
