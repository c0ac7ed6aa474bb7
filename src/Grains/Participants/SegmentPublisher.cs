using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Realtime;

namespace Scribe.Participants;

/// <summary>
/// Delivers a speaker's segments to its room in order, one call at a time. Interim updates that a newer
/// version of the same segment has overtaken are skipped; final segments are retried until the room takes them.
/// </summary>
public sealed partial class SegmentPublisher : ISegmentSink, IAsyncDisposable
{
    private readonly Func<TranscriptSegment, CancellationToken, Task> _deliver;
    private readonly ILogger _logger;
    private readonly Channel<TranscriptSegment> _queue = Channel.CreateUnbounded<TranscriptSegment>(new() { SingleReader = true });
    private readonly Dictionary<string, TranscriptSegment> _latest = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _run;
    private int _pending;
    private bool _runtimeGone;
    private TaskCompletionSource _drained = NewDrained();

    public SegmentPublisher(IRoomGrain room, ILogger logger)
        : this((segment, _) => room.UpsertSegmentAsync(segment), logger)
    {
    }

    public SegmentPublisher(Func<TranscriptSegment, CancellationToken, Task> deliver, ILogger logger)
    {
        _deliver = deliver;
        _logger = logger;
        _drained.TrySetResult();
        _run = Task.Run(() => RunAsync(_stopping.Token));
    }

    public void Publish(TranscriptSegment segment)
    {
        lock (_latest)
        {
            _latest[segment.Id] = segment;
            if (Interlocked.Increment(ref _pending) == 1)
            {
                _drained = NewDrained();
            }
        }

        _queue.Writer.TryWrite(segment);
    }

    /// <summary>Waits until every published segment has reached the room.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        lock (_latest)
        {
            return _drained.Task.WaitAsync(cancellationToken);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var segment in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            bool superseded;
            lock (_latest)
            {
                superseded = !ReferenceEquals(_latest[segment.Id], segment) && !segment.IsFinal;
            }

            if (!superseded)
            {
                await DeliverAsync(segment, cancellationToken).ConfigureAwait(false);
            }

            lock (_latest)
            {
                if (ReferenceEquals(_latest.GetValueOrDefault(segment.Id), segment))
                {
                    _latest.Remove(segment.Id);
                }

                if (Interlocked.Decrement(ref _pending) == 0)
                {
                    _drained.TrySetResult();
                }
            }
        }
    }

    private async Task DeliverAsync(TranscriptSegment segment, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; !_runtimeGone; attempt++)
        {
            try
            {
                await _deliver(segment, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ObjectDisposedException e)
            {
                // The silo's runtime is gone (a hard stop that left this grain's services running): no retry can
                // reach the room from here, and the speaker's stream resumes on another silo.
                _runtimeGone = true;
                LogRuntimeGone(e, segment.Id, segment.Room);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogDeliveryFailed(e, segment.Id, segment.Room, attempt);
                if (!segment.IsFinal && attempt >= 3)
                {
                    return; // a later version of this segment will carry the text
                }

                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5_000));
            }
        }
    }

    private static TaskCompletionSource NewDrained() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment {SegmentId} could not reach room {Room}: the silo's runtime is disposed; this speaker's segments are no longer delivered from here")]
    private partial void LogRuntimeGone(Exception exception, string segmentId, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment {SegmentId} could not reach room {Room} (attempt {Attempt}); retrying")]
    private partial void LogDeliveryFailed(Exception exception, string segmentId, string room, int attempt);
}
