using Microsoft.Extensions.Logging;

namespace Scribe.LocalSpeech;

/// <summary>The local speech endpoint's log messages.</summary>
internal static partial class LocalSpeechLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Local speech session {SessionId} opened")]
    public static partial void SessionOpened(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local speech session {SessionId} closed")]
    public static partial void SessionClosed(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local speech session {SessionId} ended abruptly: {Reason}")]
    public static partial void SessionEndedAbruptly(ILogger logger, string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local speech session {SessionId} closed by the server ({Status}): {Reason}")]
    public static partial void SessionClosing(ILogger logger, string sessionId, System.Net.WebSockets.WebSocketCloseStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} validated model {Model}")]
    public static partial void ModelValidated(ILogger logger, string sessionId, string model);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} ignored a commit while a generation runs")]
    public static partial void CommitIgnored(ILogger logger, string sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Session {SessionId} error {Code}: {Message}")]
    public static partial void ErrorSent(ILogger logger, string sessionId, string code, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} has no decoder")]
    public static partial void NoDecoder(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId} failed to decode")]
    public static partial void DecodingFailed(ILogger logger, Exception exception, string sessionId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Session {SessionId} transcribed {AudioSeconds:F2} s in {DecodeSeconds:F2} s ({Words} words, {EarlyWords} sent early, {DroppedSamples} samples dropped)")]
    public static partial void GenerationDone(ILogger logger, string sessionId, double audioSeconds, double decodeSeconds, int words, int earlyWords, long droppedSamples);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a realtime session: {Reason}")]
    public static partial void SessionRefused(ILogger logger, string reason);
}
