namespace Scribe.Participants;

/// <summary>For <c>LiveKit:PublishTranscripts=false</c>: transcripts stay out of the room.</summary>
public sealed class NoTranscriptDataChannel : ITranscriptDataChannel
{
    public Task SendAsync(string room, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) => Task.CompletedTask;
}
