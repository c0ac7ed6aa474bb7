using System.Buffers.Binary;
using System.Text.Json;

namespace Scribe.Media;

/// <summary>
/// The media channel's framing: <c>u32 big-endian length of the rest</c>, <c>u8 kind</c>, payload. Kind 1 is one
/// UTF-8 JSON object with a <c>type</c> (<see cref="MediaMessage"/>); kind 2 is audio from the media process:
/// <c>u32 BE track handle</c>, <c>u32 BE sample offset</c>, PCM16 LE 16 kHz mono.
/// </summary>
public static class MediaChannel
{
    public const byte JsonKind = 1;
    public const byte AudioKind = 2;

    /// <summary>Far above any real frame (100 ms of audio is 3,200 bytes); a larger length means a broken stream.</summary>
    public const int MaxFrameLength = 1 << 20;

    private const int AudioHeader = 8;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowOutOfOrderMetadataProperties = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static byte[] Encode(MediaMessage message)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        var frame = new byte[5 + json.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, checked((uint)(1 + json.Length)));
        frame[4] = JsonKind;
        json.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] EncodeAudio(uint handle, uint sampleOffset, ReadOnlySpan<byte> pcm)
    {
        var frame = new byte[5 + AudioHeader + pcm.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, checked((uint)(1 + AudioHeader + pcm.Length)));
        frame[4] = AudioKind;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), handle);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(9), sampleOffset);
        pcm.CopyTo(frame.AsSpan(13));
        return frame;
    }

    /// <summary>The length a frame's 4-byte header announces (kind and payload), checked against the limits.</summary>
    public static int ReadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        return length is < 1 or > MaxFrameLength
            ? throw new MediaChannelException($"A frame length of {length} is outside 1..{MaxFrameLength}.")
            : (int)length;
    }

    /// <summary>Decodes a frame's body (kind and payload, without the length). Audio keeps slices of <paramref name="body"/>.</summary>
    public static MediaFrame Parse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new MediaChannelException("An empty frame has no kind.");
        }

        var payload = body[1..];
        return body.Span[0] switch
        {
            JsonKind => new MessageFrame(ParseMessage(payload.Span)),
            AudioKind => ParseAudio(payload),
            var kind => throw new MediaChannelException($"Unknown frame kind {kind}."),
        };
    }

    /// <summary>Reads the next frame; null when the stream ends cleanly between frames.</summary>
    public static async ValueTask<MediaFrame?> ReadAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[4];
        var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct);
        if (read == 0)
        {
            return null;
        }

        if (read < header.Length)
        {
            throw new MediaChannelException("The stream ended inside a frame header.");
        }

        var body = new byte[ReadLength(header)];
        if (await stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, ct) < body.Length)
        {
            throw new MediaChannelException("The stream ended inside a frame.");
        }

        return Parse(body);
    }

    private static MediaMessage ParseMessage(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<MediaMessage>(json, Json) ?? throw new MediaChannelException("A JSON frame held null.");
        }
        catch (JsonException ex)
        {
            throw new MediaChannelException($"A JSON frame is not a known message: {ex.Message}", ex);
        }
        catch (NotSupportedException ex)
        {
            throw new MediaChannelException($"A JSON frame is not a known message: {ex.Message}", ex);
        }
    }

    private static TrackAudioFrame ParseAudio(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length < AudioHeader || (payload.Length - AudioHeader) % 2 != 0)
        {
            throw new MediaChannelException($"An audio frame of {payload.Length} bytes is not a header and whole 16-bit samples.");
        }

        var span = payload.Span;
        return new TrackAudioFrame(
            BinaryPrimitives.ReadUInt32BigEndian(span),
            new PcmFrame(BinaryPrimitives.ReadUInt32BigEndian(span[4..]), payload[AudioHeader..]));
    }
}
