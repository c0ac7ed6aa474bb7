using System.Threading.Channels;

namespace Scribe.Realtime;

/// <summary>
/// A one-shot timer of a transcriber's loop on its <see cref="TimeProvider"/>: when it comes due, its input joins
/// the loop's channel behind what is there (waiting for room when the channel is full), so the loop handles it like
/// any other input and never waits on a timer itself. Setting it again replaces the pending time.
/// </summary>
internal sealed class LoopTimer : IAsyncDisposable
{
    private readonly ChannelWriter<TranscriberInput> _inputs;
    private readonly TranscriberInput _due;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ITimer _timer;
    private int _disposing;

    public LoopTimer(TimeProvider time, ChannelWriter<TranscriberInput> inputs, TranscriberInput due)
    {
        _inputs = inputs;
        _due = due;
        _timer = time.CreateTimer(static timer => ((LoopTimer)timer!).Post(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Set(TimeSpan dueIn) => _timer.Change(dueIn, Timeout.InfiniteTimeSpan);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) != 0)
        {
            return;
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        await _disposed.CancelAsync().ConfigureAwait(false);
        _disposed.Dispose();
    }

    private void Post()
    {
        if (!_inputs.TryWrite(_due))
        {
            _ = PostWhenRoomAsync();
        }
    }

    private async Task PostWhenRoomAsync()
    {
        try
        {
            await _inputs.WriteAsync(_due, _disposed.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException or ObjectDisposedException)
        {
            // The loop has stopped.
        }
    }
}
