using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Realtime;
using Scribe.Telemetry;

namespace Scribe.Captions;

/// <summary>
/// Sends one speaker's segment upserts into the LiveKit room as data messages. Final segments go at once; interim
/// updates at most once per interval, each carrying the newest text of its segment, so a fast talker does not flood
/// the room. Sending runs on its own task: a slow or failing LiveKit never holds up transcription, it only loses
/// interim updates (a final is tried a few times).
/// </summary>
public sealed partial class TranscriptBroadcaster : ISegmentSink, IAsyncDisposable
{
    private readonly Func<TranscriptSegment, CancellationToken, Task> _send;
    private readonly TimeSpan _interimInterval;
    private readonly TimeProvider _time;
    private readonly ScribeMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly OrderedDictionary<string, TranscriptSegment> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _finals = new(StringComparer.Ordinal); // one stream's generations: small
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _run;
    private DateTimeOffset _lastInterim = DateTimeOffset.MinValue;

    /// <param name="send">Sends one upsert as a <see cref="TranscriptDataMessage"/> payload.</param>
    public TranscriptBroadcaster(Func<ReadOnlyMemory<byte>, CancellationToken, Task> send, TimeSpan interimInterval, TimeProvider time, ScribeMetrics metrics, ILogger logger)
        : this((segment, ct) => send(TranscriptDataMessage.Of(segment).ToUtf8Json(), ct), interimInterval, time, metrics, logger)
    {
    }

    /// <param name="send">Sends one upsert however the room takes it (in Agent mode: a LiveKit transcription through the agent).</param>
    public TranscriptBroadcaster(Func<TranscriptSegment, CancellationToken, Task> send, TimeSpan interimInterval, TimeProvider time, ScribeMetrics metrics, ILogger logger)
    {
        _metrics = metrics;
        _send = send;
        _interimInterval = interimInterval;
        _time = time;
        _logger = logger;
        _run = Task.Run(() => RunAsync(_stopping.Token));
    }

    public void Publish(TranscriptSegment segment)
    {
        lock (_gate)
        {
            if (!segment.IsFinal && _finals.Contains(segment.Id))
            {
                return; // a final is never followed by interim text
            }

            if (segment.IsFinal)
            {
                _finals.Add(segment.Id);
            }

            _pending[segment.Id] = segment;
        }

        _signal.Writer.TryWrite(true);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var draining = false;
        while (true)
        {
            TranscriptSegment? next = null;
            var wait = TimeSpan.Zero;
            lock (_gate)
            {
                next = FirstFinal();
                if (next is null && _pending.Count > 0)
                {
                    var due = _lastInterim + _interimInterval - _time.GetUtcNow();
                    if (draining || due <= TimeSpan.Zero)
                    {
                        next = _pending.GetAt(0).Value;
                    }
                    else
                    {
                        wait = due;
                    }
                }

                if (next is not null)
                {
                    _pending.Remove(next.Id);
                }
            }

            if (next is not null)
            {
                if (!next.IsFinal)
                {
                    _lastInterim = _time.GetUtcNow();
                }

                await SendAsync(next, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (draining)
            {
                return;
            }

            try
            {
                if (wait > TimeSpan.Zero)
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(wait);
                    try
                    {
                        await _signal.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // the interim interval passed
                    }
                }
                else
                {
                    await _signal.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (ChannelClosedException)
            {
                draining = true; // the stream ended: send what is left without waiting for the interval
            }
        }
    }

    private TranscriptSegment? FirstFinal()
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            var segment = _pending.GetAt(i).Value;
            if (segment.IsFinal)
            {
                return segment;
            }
        }

        return null;
    }

    private async Task SendAsync(TranscriptSegment segment, CancellationToken cancellationToken)
    {
        var attempts = segment.IsFinal ? 3 : 1;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                await _send(segment, cancellationToken).ConfigureAwait(false);
                _metrics.TranscriptDataSent.Add(1);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogSendFailed(e, segment.Id, attempt);
                if (attempt < attempts)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Sends what is pending (bounded by a few seconds), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _signal.Writer.TryComplete();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Segment {SegmentId} could not be sent into the room (attempt {Attempt})")]
    private partial void LogSendFailed(Exception exception, string segmentId, int attempt);
}
