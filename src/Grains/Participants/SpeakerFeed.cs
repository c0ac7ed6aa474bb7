namespace Scribe.Participants;

/// <summary>
/// The one ingest socket's right to feed a speaker stream, taken from <see cref="SpeakerStreamRegistry.TryTakeFeed"/>: the stream
/// outlives it, and is disposed once it is stopped and its feed let go.
/// </summary>
public sealed class SpeakerFeed : IAsyncDisposable
{
    private int _returned;

    internal SpeakerFeed(SpeakerStream stream) => Stream = stream;

    public SpeakerStream Stream { get; }

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _returned, 1) == 0 ? SpeakerStreamRegistry.ReturnAsync(Stream) : ValueTask.CompletedTask;
}
