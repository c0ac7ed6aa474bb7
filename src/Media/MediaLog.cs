using Microsoft.Extensions.Logging;

namespace Scribe.Media;

/// <summary>The media supervisor's log messages. None carries a token or the channel secret.</summary>
internal static partial class MediaLog
{
    [LoggerMessage(Message = "media: {Message} {Fields}")]
    public static partial void ChildLine(ILogger logger, LogLevel level, string message, string fields);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media channel listening on 127.0.0.1:{Port}")]
    public static partial void Listening(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media process {Pid} started (run {Run})")]
    public static partial void Started(ILogger logger, int pid, int run);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media process {Pid} ready ({Rooms} rooms to join)")]
    public static partial void Ready(ILogger logger, int pid, int rooms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media process {Pid} exited with code {ExitCode} after {Seconds:F1} s; restarting in {DelayMs} ms")]
    public static partial void Died(ILogger logger, int pid, int? exitCode, double seconds, long delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media process {Pid} exited with code {ExitCode}")]
    public static partial void Exited(ILogger logger, int pid, int? exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media process {Pid} did not exit within {Seconds} s of its channel closing; killed")]
    public static partial void KilledOnStop(ILogger logger, int pid, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a media channel connection: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media channel broken: {Reason}")]
    public static partial void ChannelBroken(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media process reports an error (room {Room}): {Message}")]
    public static partial void ChildError(ILogger logger, string room, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Media message {Type} for unknown room {Room} ignored")]
    public static partial void UnknownRoom(ILogger logger, string type, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media message {Type} not expected from the media process; ignored")]
    public static partial void Unexpected(ILogger logger, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "A room's event handler failed on {Type}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string type);

    [LoggerMessage(Level = LogLevel.Error, Message = "Media process could not be started; retrying in {DelayMs} ms")]
    public static partial void StartFailed(ILogger logger, Exception exception, long delayMs);
}
