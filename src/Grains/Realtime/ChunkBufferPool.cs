using System.Buffers;
using System.Runtime.InteropServices;
using Scribe.Audio;

namespace Scribe.Realtime;

/// <summary>
/// Where one transcriber rents its chunk buffers and gives them back. A chunk belongs to one place at a time (the
/// chunker while it fills, the input channel, then the segmenter's pre-roll, held queue or generation); the last of
/// these returns its buffer here, once.
/// </summary>
internal sealed class ChunkBufferPool(ArrayPool<short>? buffers = null)
{
    public const int ChunkSamples = 100 * SpeechAudio.SamplesPerMs;

    private readonly ArrayPool<short> _buffers = buffers ?? ArrayPool<short>.Shared;

    public short[] Rent() => _buffers.Rent(ChunkSamples);

    /// <summary>Gives a chunk's buffer back; the chunk must not be read afterwards.</summary>
    public void Return(AudioChunk chunk)
    {
        if (MemoryMarshal.TryGetArray(chunk.Samples, out var rented) && rented.Array is { } array)
        {
            _buffers.Return(array);
        }
    }
}
