using System.Runtime.InteropServices;
using System.Text.Json;

namespace Scribe.LocalSpeech;

/// <summary>
/// Reads one client text frame the way vLLM's realtime connection does (protocols.md §1): text that is not JSON
/// is <c>invalid_json</c>; JSON that is not an object, or an append without a string <c>audio</c>, fails while
/// being read as an event, which vLLM answers with <c>processing_error</c>; audio that is not base64 PCM16, or
/// empty, is <c>invalid_audio</c>; a type it does not know is <c>unknown_event</c>.
/// </summary>
internal static class ClientEventParser
{
    public static ClientEvent Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch (JsonException)
        {
            return new ClientEvent.Refused("Invalid JSON.", RealtimeErrorCode.InvalidJson);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ClientEvent.Refused($"An event must be a JSON object, not {root.ValueKind}.", RealtimeErrorCode.ProcessingError);
            }

            var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String
                ? typeElement.GetString()
                : null;
            return type switch
            {
                "session.update" => SessionUpdate(root),
                "input_audio_buffer.append" => Append(root),
                "input_audio_buffer.commit" => new ClientEvent.Commit(root.TryGetProperty("final", out var final) && final.ValueKind == JsonValueKind.True),
                _ => new ClientEvent.Refused($"Unknown event type: {type ?? "(none)"}.", RealtimeErrorCode.UnknownEvent),
            };
        }
    }

    private static ClientEvent SessionUpdate(JsonElement update) =>
        update.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(model.GetString())
            ? new ClientEvent.SessionUpdate(model.GetString()!)
            : new ClientEvent.Refused("session.update needs a model.", RealtimeErrorCode.InvalidEvent);

    private static ClientEvent Append(JsonElement append)
    {
        if (!append.TryGetProperty("audio", out var audio) || audio.ValueKind != JsonValueKind.String)
        {
            return new ClientEvent.Refused("input_audio_buffer.append needs audio (a base64 string of PCM16, 16 kHz, mono).", RealtimeErrorCode.ProcessingError);
        }

        if (!audio.TryGetBytesFromBase64(out var bytes))
        {
            return new ClientEvent.Refused("The audio is not valid base64.", RealtimeErrorCode.InvalidAudio);
        }

        if (bytes.Length == 0)
        {
            return new ClientEvent.Refused("The audio chunk is empty.", RealtimeErrorCode.InvalidAudio);
        }

        if (bytes.Length % 2 != 0)
        {
            return new ClientEvent.Refused($"PCM16 audio needs an even number of bytes (got {bytes.Length}).", RealtimeErrorCode.InvalidAudio);
        }

        // PCM16 little-endian read in place: every host .NET runs this service on is little-endian.
        return new ClientEvent.Append(MemoryMarshal.Cast<byte, short>(bytes).ToArray());
    }
}
