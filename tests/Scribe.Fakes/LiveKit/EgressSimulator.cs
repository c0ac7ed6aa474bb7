using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// Plays LiveKit's track egress to a WebSocket: dials the URL with <c>Content-Type: audio/x-raw</c>,
/// streams 48 kHz stereo s16le PCM in binary frames of random, unaligned sizes at a chosen pace, sends
/// <c>{"muted":true}</c>/<c>{"muted":false}</c> text frames around muted stretches, pings, and closes
/// normally at the end of the audio or when stopped. It never reconnects, like the real one.
/// </summary>
public sealed class EgressSimulator
{
    /// <summary>Egress audio rate: 48 kHz × 2 channels × 2 bytes (s16le).</summary>
    public const int BytesPerSecond = 48_000 * 2 * 2;

    /// <summary>Egress audio bytes per millisecond (192).</summary>
    public const int BytesPerMs = BytesPerSecond / 1_000;
    private const int BytesPerStereoSample = 4;

    private readonly Uri _url;
    private readonly ReadOnlyMemory<byte> _pcm;
    private readonly EgressAudioScript _script;
    private readonly double _pace;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _kill = new();
    private readonly Func<long>? _livePosition;
    private ClientWebSocket? _socket;

    /// <param name="pace">1 = real time, 4 = four times faster, 0 = as fast as the socket takes it.</param>
    /// <param name="livePosition">For a live track: where its audio is now (a byte offset into <paramref name="pcm"/>);
    /// the egress starts streaming there once connected.</param>
    public EgressSimulator(Uri url, ReadOnlyMemory<byte> pcm, EgressAudioScript script, double pace, int seed, ILogger logger, Func<long>? livePosition = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pace);
        _url = url;
        _pcm = pcm;
        _script = script;
        _pace = pace;
        _random = new Random(seed);
        _logger = logger;
        _livePosition = livePosition;
    }

    /// <summary>Where in the track's audio this egress began streaming (zero unless the track is live).</summary>
    public TimeSpan MediaStart { get; private set; }

    /// <summary>Ends the egress abruptly: the socket is aborted without a close handshake.</summary>
    public void Kill()
    {
        _kill.Cancel();
        _socket?.Abort();
    }

    public async Task<EgressOutcome> RunAsync(Action onConnected, CancellationToken stop)
    {
        var steps = Plan();
        using var socket = new ClientWebSocket();
        _socket = socket;
        socket.Options.KeepAliveInterval = _script.KeepAliveInterval;
        using var invoker = new HttpMessageInvoker(new RawAudioHandshake());
        if (_kill.IsCancellationRequested)
        {
            return new EgressOutcome(EgressStatus.Aborted, "egress killed before it connected", 0, 0);
        }

        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop, _kill.Token);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(_url, invoker, connectTimeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            var aborted = stop.IsCancellationRequested && !_kill.IsCancellationRequested;
            _logger.LogInformation("Egress could not connect to {Url}: {Error}", _url, ex.Message);
            return aborted
                ? new EgressOutcome(EgressStatus.Aborted, "egress stopped before it connected", 0, 0)
                : new EgressOutcome(EgressStatus.Failed, $"could not connect websocket: {ex.Message}", 0, 0);
        }

        // A live track has moved on while the egress connected: what was said before now is not sent.
        var skip = _livePosition?.Invoke() ?? 0;
        MediaStart = TimeSpan.FromSeconds(skip / (double)BytesPerSecond);
        onConnected();
        var receiving = DrainAsync(socket);
        var frames = 0;
        long bytes = 0;
        try
        {
            using var sending = CancellationTokenSource.CreateLinkedTokenSource(stop, _kill.Token);
            var clock = Stopwatch.StartNew();
            foreach (var planned in steps.Where(s => s.MediaOffset > skip))
            {
                // The first frame joins the track at the live position, which is on a whole sample, as LiveKit's does.
                var step = planned.Text is null && planned.Start < skip ? planned with { Start = (int)skip, Length = planned.Start + planned.Length - (int)skip } : planned;
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                await WaitForMediaTimeAsync(clock, step.MediaOffset - skip, sending.Token).ConfigureAwait(false);
                if (step.Text is { } text)
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, _kill.Token).ConfigureAwait(false);
                }
                else
                {
                    // Not the stop token: a cancelled send aborts the socket, and a stop must close it cleanly.
                    await socket.SendAsync(_pcm.Slice(step.Start, step.Length), WebSocketMessageType.Binary, true, _kill.Token).ConfigureAwait(false);
                    frames++;
                    bytes += step.Length;
                }
            }

            if (_script.StayOpenAfterAudio && !stop.IsCancellationRequested)
            {
                await Task.Delay(Timeout.Infinite, sending.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !_kill.IsCancellationRequested)
        {
            // Stopped: fall through to a normal close.
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            var error = _kill.IsCancellationRequested ? "egress terminated unexpectedly" : $"websocket write failed: {ex.Message}";
            _logger.LogInformation("Egress to {Url} ended badly after {Frames} frames: {Error}", _url, frames, error);
            socket.Abort();
            return new EgressOutcome(EgressStatus.Failed, error, frames, bytes);
        }

        var closed = await CloseAsync(socket, receiving, stop.IsCancellationRequested ? "egress stopped" : "end of stream").ConfigureAwait(false);
        if (_kill.IsCancellationRequested)
        {
            return new EgressOutcome(EgressStatus.Failed, "egress terminated unexpectedly", frames, bytes);
        }

        _logger.LogDebug("Egress to {Url} completed: {Frames} frames, {Bytes} bytes, clean close {Clean}", _url, frames, bytes, closed);
        return new EgressOutcome(EgressStatus.Complete, "", frames, bytes);
    }

    private async Task WaitForMediaTimeAsync(Stopwatch clock, long mediaOffset, CancellationToken ct)
    {
        if (_pace <= 0)
        {
            return;
        }

        var due = TimeSpan.FromSeconds(mediaOffset / (double)BytesPerSecond / _pace);
        var wait = due - clock.Elapsed;
        if (wait > TimeSpan.FromMilliseconds(1))
        {
            await Task.Delay(wait, ct).ConfigureAwait(false);
        }
    }

    private static async Task<bool> CloseAsync(ClientWebSocket socket, Task receiving, string reason)
    {
        try
        {
            if (socket.State == WebSocketState.Open || socket.State == WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, timeout.Token).ConfigureAwait(false);
                await receiving.WaitAsync(timeout.Token).ConfigureAwait(false);
                return true;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or TimeoutException)
        {
            socket.Abort();
        }

        return false;
    }

    /// <summary>Reads whatever the receiver sends, which also lets pongs and its close frame through.</summary>
    private static async Task DrainAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket went away; the sender sees it on its next write.
        }
    }

    /// <summary>Cuts the audio into frames and mute events, then applies the script's faults.</summary>
    private List<Step> Plan()
    {
        var length = _pcm.Length;
        var mutes = _script.Mutes
            .Select(m => (Start: ToOffset(m.Start, length), End: ToOffset(m.End, length)))
            .Where(m => m.End > m.Start)
            .OrderBy(m => m.Start)
            .ToList();

        var steps = new List<Step>();
        var frameNumber = 0;
        var position = 0;
        foreach (var (muteStart, muteEnd) in mutes.Append((Start: length, End: length)))
        {
            var start = Math.Max(position, muteStart);
            while (position < start)
            {
                var size = Math.Min(NextFrameSize(), start - position);
                steps.Add(new Step(position, size, null, position + size, frameNumber++));
                position += size;
            }

            if (muteStart < length && muteEnd > position)
            {
                steps.Add(new Step(0, 0, """{"muted":true}""", position, -1));
                position = muteEnd;
                steps.Add(new Step(0, 0, """{"muted":false}""", position, -1));
            }
        }

        foreach (var swap in _script.SwapFrames)
        {
            var first = steps.FindIndex(s => s.Frame == swap.Frame);
            var second = steps.FindIndex(s => s.Frame == swap.Frame + swap.Distance);
            if (first >= 0 && second >= 0)
            {
                // Each keeps the slot's send time; only the payloads trade places.
                (steps[first], steps[second]) = (steps[second] with { MediaOffset = steps[first].MediaOffset }, steps[first] with { MediaOffset = steps[second].MediaOffset });
            }
        }

        var result = new List<Step>(steps.Count + _script.DuplicateFrames.Count);
        foreach (var step in steps)
        {
            if (step.Frame >= 0 && _script.DropFrames.Contains(step.Frame))
            {
                continue;
            }

            result.Add(step);
            if (step.Frame >= 0 && _script.DuplicateFrames.Contains(step.Frame))
            {
                result.Add(step);
            }
        }

        return result;
    }

    private int NextFrameSize()
    {
        var min = Math.Max(1, _script.MinFrameBytes);
        var max = Math.Max(min, _script.MaxFrameBytes);
        var size = _random.Next(min, max + 1);
        // Never a whole stereo sample: receivers must carry partial samples across frames.
        return size % BytesPerStereoSample == 0 ? size + 1 + _random.Next(3) : size;
    }

    private static int ToOffset(TimeSpan mediaTime, int length)
    {
        var offset = (long)(mediaTime.TotalSeconds * BytesPerSecond) / BytesPerStereoSample * BytesPerStereoSample;
        return (int)Math.Clamp(offset, 0, length);
    }

    private sealed record Step(int Start, int Length, string? Text, long MediaOffset, int Frame);
}
