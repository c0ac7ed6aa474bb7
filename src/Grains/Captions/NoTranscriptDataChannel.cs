namespace Scribe.Captions;

/// <summary>For <c>LiveKit:PublishTranscripts=false</c>: transcripts and transcription status stay out of the room.</summary>
public sealed class NoTranscriptDataChannel : ITranscriptDataChannel
{
    public Task SendAsync(string room, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task SendToAsync(string room, string identity, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => Task.CompletedTask;
}
