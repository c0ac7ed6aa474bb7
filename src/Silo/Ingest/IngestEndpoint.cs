using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Scribe.Ingest;
using Scribe.Participants;
using Scribe.Telemetry;

namespace Scribe.Silo.Ingest;

/// <summary>
/// <c>GET /ingest/{trackSid}?token=…</c>: the WebSocket LiveKit track egress dials (protocols.md §4). It checks the
/// token and the content type, attaches to the speaker stream the participant grain made on this silo, and feeds it
/// binary PCM frames of any size; <c>{"muted":…}</c> text frames mute and unmute; a close ends the stream cleanly.
/// </summary>
public static partial class IngestEndpoint
{
    private const int MaxTextFrame = 1024;

    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ingest/{trackSid}", HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, string trackSid, IngestToken tokens, IGrainFactory grains, SpeakerStreams streams, TimeProvider time, ILoggerFactory loggers)
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
        if (!await participant.AttachIngestAsync(trackSid))
        {
            LogRefused(logger, trackSid, "the participant no longer publishes this track");
            return Results.Problem(detail: "This track is not being transcribed.", statusCode: StatusCodes.Status404NotFound);
        }

        if (!streams.TryGet(grant.Room, grant.Identity, trackSid, out var stream) || !stream!.TryAttach())
        {
            LogRefused(logger, trackSid, "the speaker's stream lives on another silo or is already fed");
            return Results.Problem(detail: "This silo does not hold the speaker's stream.", statusCode: StatusCodes.Status409Conflict);
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        ScribeMetrics.ActiveStreams.Add(1);
        LogStarted(logger, grant.Room, grant.Identity, trackSid);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stream.Stopping);
        try
        {
            var (status, description) = await PumpAsync(socket, stream, logger, stopping.Token);
            await CloseAsync(socket, status, description);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // Stopped by the grain, or the peer vanished: either way the stream ends below with what it has.
            if (stream.Stopping.IsCancellationRequested)
            {
                await CloseAsync(socket, WebSocketCloseStatus.NormalClosure, "transcription stopped");
            }
        }
        finally
        {
            ScribeMetrics.ActiveStreams.Add(-1);
            try
            {
                await stream.CompleteAsync(CancellationToken.None);
            }
            finally
            {
                streams.Remove(stream);
                await stream.DisposeAsync();
                LogEnded(logger, grant.Room, grant.Identity, trackSid);
            }
        }

        return Results.Empty;
    }

    private static async Task<(WebSocketCloseStatus, string)> PumpAsync(WebSocket socket, SpeakerStream stream, ILogger logger, CancellationToken cancellationToken)
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
                        return (WebSocketCloseStatus.NormalClosure, "egress ended");
                    case WebSocketMessageType.Binary:
                        await stream.WriteEgressAudioAsync(buffer.AsSpan(0, result.Count), cancellationToken);
                        break;
                    case WebSocketMessageType.Text:
                        if (text.WrittenCount + result.Count > MaxTextFrame)
                        {
                            LogMalformed(logger, stream.Speaker.TrackSid, "text frame too large");
                            return (WebSocketCloseStatus.MessageTooBig, "text frames carry only {\"muted\":bool}");
                        }

                        text.Write(buffer.AsSpan(0, result.Count));
                        if (!result.EndOfMessage)
                        {
                            break;
                        }

                        if (!TryReadMuted(text.WrittenSpan, out var muted))
                        {
                            LogMalformed(logger, stream.Speaker.TrackSid, "text frame is not {\"muted\":bool}");
                            return (WebSocketCloseStatus.InvalidPayloadData, "text frames carry only {\"muted\":bool}");
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest ended for {Room}/{Identity} track {TrackSid}")]
    private static partial void LogEnded(ILogger logger, string room, string identity, string trackSid);
}
