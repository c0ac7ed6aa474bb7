namespace Scribe.Participants;

/// <summary>Sends transcript messages into a room, to every participant, on <see cref="TranscriptDataMessage.Topic"/>.</summary>
public interface ITranscriptDataChannel
{
    Task SendAsync(string room, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);
}
