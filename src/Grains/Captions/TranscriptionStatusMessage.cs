using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scribe.Captions;

/// <summary>
/// What a browser in the room receives on <see cref="TranscriptDataMessage.Topic"/> when transcription starts or
/// stops, and on joining while it is on: <c>{"type":"status","active":true,"language":"fr"}</c>.
/// </summary>
public sealed record TranscriptionStatusMessage(bool Active, string? Language)
{
    public const string MessageType = "status";

    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = MessageType;

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JsonSerializerOptions.Web);
}
