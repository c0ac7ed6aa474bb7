using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Scribe.Tests.Infrastructure;

/// <summary>Keeps every log entry at or above Information, with its level and formatted message.</summary>
internal sealed class RecordingLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Entries.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
