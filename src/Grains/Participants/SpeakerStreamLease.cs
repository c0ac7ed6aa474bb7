namespace Scribe.Participants;

/// <summary>An ingest socket's hold on the stream it feeds: the stream outlives it, and is disposed once all holds are let go.</summary>
public sealed class SpeakerStreamLease : IAsyncDisposable
{
    private int _returned;

    internal SpeakerStreamLease(SpeakerStream stream) => Stream = stream;

    public SpeakerStream Stream { get; }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _returned, 1) == 0 ? SpeakerStreams.ReturnAsync(Stream) : ValueTask.CompletedTask;
}
