using System.Threading.Channels;

namespace Scribe.Rooms;

/// <summary>One reader's place on a room's feed: the updates published since it subscribed. Dispose to leave.</summary>
public sealed class TranscriptSubscription : IDisposable
{
    private readonly Channel<TranscriptUpdate> _channel;
    private readonly Action<TranscriptSubscription> _leave;
    private int _disposed;

    internal TranscriptSubscription(string room, int capacity, Action<TranscriptSubscription> leave)
    {
        Room = room;
        _leave = leave;
        // A slow reader loses its oldest updates rather than holding memory for ever; the update it reads
        // next then starts past its revision, which tells it to catch up from the room.
        _channel = Channel.CreateBounded<TranscriptUpdate>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
    }

    public string Room { get; }

    public ChannelReader<TranscriptUpdate> Updates => _channel.Reader;

    internal void Publish(TranscriptUpdate update) => _channel.Writer.TryWrite(update);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            _leave(this);
        }
    }
}
