using System.Text.Json;

namespace Scribe.Realtime;

/// <summary>An event the vLLM realtime server sends (protocols.md §1).</summary>
public abstract record RealtimeServerEvent
{
    /// <summary>Parses one text frame; anything that is not a known event comes back as <see cref="UnknownEvent"/>.</summary>
    public static RealtimeServerEvent Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            var type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) ? t.GetString() : null;
            return type switch
            {
                "session.created" => new SessionCreated(Text(root, "id") ?? ""),
                "transcription.delta" => new TranscriptionDelta(Text(root, "delta") ?? ""),
                "transcription.done" => new TranscriptionDone(Text(root, "text") ?? "", ReadUsage(root)),
                "error" => new RealtimeError(ErrorMessage(root), Text(root, "code")),
                _ => new UnknownEvent(type ?? "(none)"),
            };
        }
        catch (JsonException)
        {
            return new UnknownEvent("(invalid json)");
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // vLLM sends `error` as a string; OpenAI-style servers nest an object with a message.
    private static string ErrorMessage(JsonElement root) =>
        root.TryGetProperty("error", out var error)
            ? error.ValueKind switch
            {
                JsonValueKind.String => error.GetString() ?? "",
                JsonValueKind.Object when error.TryGetProperty("message", out var m) => m.GetString() ?? "",
                _ => error.ToString(),
            }
            : "";

    private static TokenUsage? ReadUsage(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        static int Count(JsonElement usage, string name) =>
            usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;

        return new TokenUsage(Count(usage, "prompt_tokens"), Count(usage, "completion_tokens"), Count(usage, "total_tokens"));
    }
}

public sealed record SessionCreated(string Id) : RealtimeServerEvent;

public sealed record TranscriptionDelta(string Delta) : RealtimeServerEvent;

public sealed record TranscriptionDone(string Text, TokenUsage? Usage) : RealtimeServerEvent;

public sealed record RealtimeError(string Message, string? Code) : RealtimeServerEvent;

public sealed record UnknownEvent(string Type) : RealtimeServerEvent;

public sealed record TokenUsage(int PromptTokens, int CompletionTokens, int TotalTokens);
