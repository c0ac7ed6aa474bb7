using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Scribe.Media;

/// <summary>
/// One line the media process wrote on stdout: a pino-shaped JSON object (numeric <c>level</c>, <c>msg</c>, more
/// fields), its own or the SDK's. Anything shaped like a JWT is blanked before it reaches our logs.
/// </summary>
public sealed partial record ChildLogLine(LogLevel Level, string Message, string? Fields)
{
    private static readonly HashSet<string> Known = ["level", "time", "msg", "pid", "hostname", "name"];

    public static ChildLogLine Parse(string line, LogLevel plainLevel = LogLevel.Information)
    {
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (json is null)
        {
            return new ChildLogLine(plainLevel, Redact(line), null);
        }

        var level = json["level"] is JsonValue value && value.TryGetValue<int>(out var number) ? number : 30;
        var message = json["msg"]?.ToString() ?? "";
        var source = json["name"]?.ToString();
        var rest = new JsonObject();
        foreach (var (key, node) in json)
        {
            if (!Known.Contains(key))
            {
                rest[key] = node?.DeepClone();
            }
        }

        var fields = rest.Count == 0 ? null : Redact(rest.ToJsonString());
        return new ChildLogLine(ToLevel(level), Redact(source is null or "scribe-media" ? message : $"{source}: {message}"), fields);
    }

    /// <summary>pino's levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.</summary>
    private static LogLevel ToLevel(int pino) => pino switch
    {
        <= 10 => LogLevel.Trace,
        <= 20 => LogLevel.Debug,
        <= 30 => LogLevel.Information,
        <= 40 => LogLevel.Warning,
        <= 50 => LogLevel.Error,
        _ => LogLevel.Critical,
    };

    internal static string Redact(string text) => JwtShape().Replace(text, "[redacted-jwt]");

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}")]
    private static partial Regex JwtShape();
}
