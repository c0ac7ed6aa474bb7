using System.Text.Json;

namespace Scribe.Silo.Api;

/// <summary>The optional body of a start request: <c>{"language": "fr"}</c>, or nothing at all.</summary>
internal static class TranscriptionStartBody
{
    /// <summary>Reads the language asked for (null when none); false with a reason when the body is not such an object.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out string? language, out string error)
    {
        language = null;
        error = "";
        if (body.Trim(" \t\r\n"u8).IsEmpty)
        {
            return true;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            error = "The body is not JSON; send {\"language\": \"fr\"} or nothing.";
            return false;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The body must be a JSON object, such as {\"language\": \"fr\"}.";
            return false;
        }

        if (!root.TryGetProperty("language", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.String || !LanguageTag.IsValid(TextOf(value)))
        {
            error = "language must be a short BCP 47 tag, such as \"fr\" or \"pt-BR\".";
            return false;
        }

        language = value.GetString();
        return true;
    }

    /// <summary>The string, or null when it is no text: invalid UTF-8, or a lone surrogate escaped as <c>\ud800</c>.</summary>
    private static string? TextOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
