using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Scribe.Realtime;

/// <summary>
/// The client events of the vLLM realtime protocol as UTF-8 JSON text frames. Appends are written into a
/// caller-owned buffer so the audio hot path allocates nothing.
/// </summary>
public static class RealtimeClientMessages
{
    public static readonly ReadOnlyMemory<byte> Commit = """{"type":"input_audio_buffer.commit"}"""u8.ToArray();
    public static readonly ReadOnlyMemory<byte> CommitFinal = """{"type":"input_audio_buffer.commit","final":true}"""u8.ToArray();

    private static ReadOnlySpan<byte> AppendPrefix => "{\"type\":\"input_audio_buffer.append\",\"audio\":\""u8;
    private static ReadOnlySpan<byte> AppendSuffix => "\"}"u8;

    public static byte[] SessionUpdate(string model, string? language)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "session.update");
            writer.WriteString("model", model);
            if (!string.IsNullOrEmpty(language))
            {
                writer.WriteString("language", language);
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>Bytes an append of <paramref name="sampleCount"/> PCM16 samples takes.</summary>
    public static int AppendSize(int sampleCount) =>
        AppendPrefix.Length + Base64.GetMaxEncodedToUtf8Length(sampleCount * sizeof(short)) + AppendSuffix.Length;

    /// <summary>Writes an <c>input_audio_buffer.append</c> event for 16 kHz mono PCM16 into <paramref name="destination"/>.</summary>
    /// <returns>The number of bytes written.</returns>
    public static int WriteAppend(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        AppendPrefix.CopyTo(destination);
        var written = AppendPrefix.Length;
        var pcm = System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("PCM16 is sent little-endian.");
        }

        var status = Base64.EncodeToUtf8(pcm, destination[written..], out _, out var encoded);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw new ArgumentException("Destination too small for the append event.", nameof(destination));
        }

        written += encoded;
        AppendSuffix.CopyTo(destination[written..]);
        return written + AppendSuffix.Length;
    }

    public static string Describe(ReadOnlySpan<byte> message) => Encoding.UTF8.GetString(message);
}
