using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Scribe.Ingest;
using Scribe.Participants;
using Scribe.Silo.Api;
using Scribe.Telemetry;

namespace Scribe.Silo.Ingest;

/// <summary>
/// <c>GET /ingest/{trackSid}?token=…</c>: the WebSocket LiveKit track egress dials (protocols.md §4). It checks the
/// token and the content type, attaches to the speaker stream the participant grain made on this silo, and feeds it
/// binary PCM frames of any size (any bytes are audio); <c>{"muted":…}</c> text frames mute and unmute; a close ends the
/// stream cleanly. A text frame that is too large or not that JSON closes the socket with 1009 / 1007 and a log line;
/// a second socket for a fed track gets 409. When the socket ends, the participant grain hears how, to restart egress.
/// </summary>
public static partial class IngestEndpoint
{
    private const int MaxTextFrame = 1024;

    /// <summary>How long a dial waits for the speaker's grains while the cluster moves them (a silo leaving).</summary>
    private static readonly TimeSpan AttachPatience = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ingest/{trackSid}", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, string trackSid, IngestToken tokens, IGrainFactory grains, SpeakerStreamRegistry streams, TimeProvider time, ScribeMetrics metrics, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Scribe.Ingest");
        if (!http.WebSockets.IsWebSocketRequest)
        {
            return Results.Problem(detail: "Ingest takes a WebSocket upgrade.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!tokens.TryValidate(http.Request.Query["token"], time.GetUtcNow(), out var grant, out var reason) || grant!.TrackSid != trackSid)
        {
            reason = grant is null ? reason : "token is for another track";
            LogRefused(logger, trackSid, reason);
            return Results.Problem(detail: $"Ingest token refused: {reason}.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var contentType = http.Request.ContentType;
        if (contentType is null || !contentType.StartsWith("audio/x-raw", StringComparison.OrdinalIgnoreCase))
        {
            LogRefused(logger, trackSid, $"content type '{contentType}'");
            return Results.Problem(detail: "Ingest takes Content-Type: audio/x-raw (48 kHz stereo s16le).", statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        var participant = grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(grant.Room, grant.Identity));
        bool attached;
        try
        {
            attached = await AttachAsync(grains.GetGrain<IRoomGrain>(grant.Room), participant, trackSid, logger, http.RequestAborted);
        }
        catch (OrleansMessageRejectionException e)
        {
            // LiveKit fails the egress on a refused dial and says so in egress_ended; the participant restarts it.
            LogUnreachable(logger, e, trackSid);
            return Results.Problem(detail: "The speaker's grains cannot be reached right now.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!attached)
        {
            LogRefused(logger, trackSid, "the participant no longer publishes this track");
            return Results.Problem(detail: "This track is not being transcribed.", statusCode: StatusCodes.Status404NotFound);
        }

        if (!streams.TryTakeFeed(grant.Room, grant.Identity, trackSid, out var feed))
        {
            LogRefused(logger, trackSid, "the speaker's stream lives on another silo or is already fed");
            return Results.Problem(detail: "This silo does not hold the speaker's stream.", statusCode: StatusCodes.Status409Conflict);
        }

        var stream = feed!.Stream;
        var (end, ended) = (IngestEnd.Failed, "ingest failed");
        try
        {
            (end, ended) = await FeedAsync(http, stream, metrics, logger);
            await stream.CompleteAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, trackSid);
        }
        finally
        {
            // The stream leaves this silo's registry, and is disposed once the feed is back.
            await streams.StopAsync(stream);
            await feed.DisposeAsync();
            LogEnded(logger, RoomName.ForLog(grant.Room), RoomName.ForLog(grant.Identity), trackSid, end);
        }

        try
        {
            // After the stream is gone from this silo, so a restarted egress attaches to a fresh one.
            await participant.IngestEndedAsync(trackSid, stream.Speaker.Epoch, end, ended);
        }
        catch (Exception e)
        {
            LogFailed(logger, e, trackSid);
        }

        return Results.Empty;
    }

    /// <summary>Accepts the socket and pumps it into the stream until the egress closes, the stream is stopped, or either side breaks.</summary>
    private static async Task<(IngestEnd End, string Reason)> FeedAsync(HttpContext http, SpeakerStream stream, ScribeMetrics metrics, ILogger logger)
    {
        var trackSid = stream.Speaker.TrackSid;
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        metrics.ActiveStreams.Add(1);
        LogStarted(logger, RoomName.ForLog(stream.Speaker.Room), RoomName.ForLog(stream.Speaker.Identity), trackSid);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stream.Stopping);
        try
        {
            var (end, status, reason) = await PumpAsync(socket, stream, logger, stopping.Token);
            await CloseAsync(socket, status, reason);
            return (end, reason);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Stopped by the grain, or the peer vanished: either way the stream ends with what it has.
            if (stream.Stopping.IsCancellationRequested)
            {
                await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "transcription stopped");
                return (IngestEnd.StoppedHere, "transcription stopped");
            }

            LogLost(logger, trackSid, e.Message);
            return (IngestEnd.Lost, e.Message);
        }
        catch (Exception e)
        {
            // Our side broke while handling audio: say so on the socket, keep the silo running, let the grain restart.
            LogFailed(logger, e, trackSid);
            await CloseAsync(socket, WebSocketCloseStatus.InternalServerError, "ingest failed");
            return (IngestEnd.Failed, "ingest failed");
        }
        finally
        {
            metrics.ActiveStreams.Add(-1);
        }
    }

    /// <summary>
    /// Asks the room for its clock and the participant to take this stream. While a silo leaves, a grain it hosted
    /// refuses calls until the grain lives elsewhere (a second or so), so refusals are retried for a while.
    /// </summary>
    private static async Task<bool> AttachAsync(IRoomGrain room, IParticipantGrain participant, string trackSid, ILogger logger, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(50);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var clockOrigin = await room.GetClockOriginAsync();
                return await participant.AttachIngestAsync(trackSid, clockOrigin);
            }
            catch (OrleansMessageRejectionException e) when (clock.Elapsed + delay < AttachPatience)
            {
                LogAttachRetry(logger, trackSid, e.Message);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1_000));
            }
        }
    }

    private static async Task<(IngestEnd, WebSocketCloseStatus, string)> PumpAsync(WebSocket socket, SpeakerStream stream, ILogger logger, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var text = new ArrayBufferWriter<byte>(MaxTextFrame);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                switch (result.MessageType)
                {
                    case WebSocketMessageType.Close:
                        return (IngestEnd.EgressClosed, WebSocketCloseStatus.NormalClosure, "egress ended");
                    case WebSocketMessageType.Binary:
                        await stream.WriteEgressAudioAsync(buffer.AsSpan(0, result.Count), cancellationToken);
                        break;
                    case WebSocketMessageType.Text:
                        if (text.WrittenCount + result.Count > MaxTextFrame)
                        {
                            LogMalformed(logger, stream.Speaker.TrackSid, "text frame too large");
                            return (IngestEnd.Malformed, WebSocketCloseStatus.MessageTooBig, "text frames carry only {\"muted\":bool}");
                        }

                        text.Write(buffer.AsSpan(0, result.Count));
                        if (!result.EndOfMessage)
                        {
                            break;
                        }

                        if (!TryReadMuted(text.WrittenSpan, out var muted))
                        {
                            LogMalformed(logger, stream.Speaker.TrackSid, "text frame is not {\"muted\":bool}");
                            return (IngestEnd.Malformed, WebSocketCloseStatus.InvalidPayloadData, "text frames carry only {\"muted\":bool}");
                        }

                        text.ResetWrittenCount();
                        await stream.SetMutedAsync(muted, cancellationToken);
                        break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool TryReadMuted(ReadOnlySpan<byte> json, out bool muted)
    {
        muted = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("muted", out var value)
                && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                muted = value.GetBoolean();
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string description)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseAsync(status, description, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The peer left without the closing handshake.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest for track {TrackSid} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string trackSid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest for track {TrackSid} closed: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string trackSid, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest started for {Room}/{Identity} track {TrackSid}")]
    private static partial void LogStarted(ILogger logger, string room, string identity, string trackSid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest ended for {Room}/{Identity} track {TrackSid}: {End}")]
    private static partial void LogEnded(ILogger logger, string room, string identity, string trackSid, IngestEnd end);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest for track {TrackSid} lost its socket without a close: {Reason}")]
    private static partial void LogLost(ILogger logger, string trackSid, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest for track {TrackSid} waits for the speaker's grains: {Reason}")]
    private static partial void LogAttachRetry(ILogger logger, string trackSid, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingest for track {TrackSid} refused: the speaker's grains could not be reached")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string trackSid);

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingest for track {TrackSid} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string trackSid);
}
