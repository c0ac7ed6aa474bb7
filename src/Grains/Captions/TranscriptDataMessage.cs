using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scribe.Captions;

/// <summary>
/// What a browser in the room receives on <see cref="Topic"/> for each segment upsert: replace the entry with the
/// same <see cref="Id"/>, or add it. Interim text is replaced by later text; <see cref="Final"/> text never changes.
/// Its <see cref="Type"/> (<c>segment</c>) tells it from a <see cref="TranscriptionStatusMessage"/> on the same topic.
/// </summary>
public sealed record TranscriptDataMessage(string Id, string Speaker, string SpeakerName, string Text, bool Final, long StartMs, long EndMs)
{
    /// <summary>The data topic Scribe publishes transcript upserts on (reliable data packets).</summary>
    public const string Topic = "lk.scribe.transcript";

    public const string MessageType = "segment";

    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = MessageType;

    public static TranscriptDataMessage Of(TranscriptSegment segment) =>
        new(segment.Id, segment.Speaker, segment.SpeakerName, segment.Text, segment.IsFinal, segment.StartMs, segment.EndMs);

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, JsonSerializerOptions.Web);
}
