using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Scribe.Audio;

/// <summary>
/// Turns LiveKit track-egress audio (48 kHz, 2 channels interleaved, s16le, frames of any size and not
/// aligned to samples) into the 16 kHz mono PCM16 a speech model wants: downmix, low-pass, keep every third.
/// One instance per stream; not thread-safe.
/// </summary>
public sealed class EgressAudioConverter
{
    public const int InputRate = 48_000;
    public const int InputChannels = 2;
    public const int OutputRate = SpeechAudio.SampleRate;
    private const int Factor = InputRate / OutputRate;
    private const int BytesPerInputFrame = InputChannels * sizeof(short);

    // A windowed-sinc low-pass at 7.2 kHz keeps speech and removes what would alias above the 8 kHz Nyquist.
    private static readonly float[] Taps = LowPassFilter.Design(tapCount: 48, cutoffHz: 7_200, sampleRate: InputRate);

    // Mono samples: the last Taps.Length - 1 of earlier calls, then the current call's. Converting a whole frame at
    // once (downmix all, then one dot product per output) costs a fraction of pushing sample by sample.
    private float[] _mono = new float[Taps.Length - 1 + 1024];
    private int _phase;
    private readonly byte[] _partialFrame = new byte[BytesPerInputFrame];
    private int _partialLength;

    /// <summary>Input frames (one sample per channel) consumed so far.</summary>
    public long InputFrames { get; private set; }

    /// <summary>16 kHz samples produced so far: always ceil(InputFrames / 3).</summary>
    public long OutputSamples { get; private set; }

    /// <summary>The most output samples <see cref="Convert"/> can write for an input of <paramref name="inputBytes"/>.</summary>
    public static int MaxOutputSamples(int inputBytes) => (inputBytes + BytesPerInputFrame) / BytesPerInputFrame / Factor + 1;

    /// <summary>Converts one egress frame; returns how many 16 kHz samples were written to <paramref name="output"/>.</summary>
    public int Convert(ReadOnlySpan<byte> input, Span<short> output)
    {
        if (output.Length < MaxOutputSamples(input.Length))
        {
            throw new ArgumentException("Output is smaller than MaxOutputSamples(input.Length).", nameof(output));
        }

        var written = 0;
        if (_partialLength > 0)
        {
            var take = Math.Min(BytesPerInputFrame - _partialLength, input.Length);
            input[..take].CopyTo(_partialFrame.AsSpan(_partialLength));
            _partialLength += take;
            input = input[take..];
            if (_partialLength < BytesPerInputFrame)
            {
                return 0;
            }

            _partialLength = 0;
            written += Process(_partialFrame, output);
        }

        var whole = input.Length - input.Length % BytesPerInputFrame;
        written += Process(input[..whole], output[written..]);
        var rest = input[whole..];
        rest.CopyTo(_partialFrame);
        _partialLength = rest.Length;
        return written;
    }

    /// <summary>Downmixes whole input frames after the kept history and filters every third position.</summary>
    private int Process(ReadOnlySpan<byte> frames, Span<short> output)
    {
        var count = frames.Length / BytesPerInputFrame;
        if (count == 0)
        {
            return 0;
        }

        var history = Taps.Length - 1;
        if (_mono.Length < history + count)
        {
            var grown = new float[history + count];
            _mono.AsSpan(0, history).CopyTo(grown);
            _mono = grown;
        }

        var mono = _mono.AsSpan(0, history + count);
        var pcm = MemoryMarshal.Cast<byte, short>(frames);
        var fresh = mono[history..];
        for (var i = 0; i < fresh.Length; i++)
        {
            int left = pcm[2 * i], right = pcm[2 * i + 1];
            if (!BitConverter.IsLittleEndian)
            {
                (left, right) = (BinaryPrimitives.ReverseEndianness((short)left), BinaryPrimitives.ReverseEndianness((short)right));
            }

            fresh[i] = (left + right) * 0.5f;
        }

        // Input frame i is emitted when the phase before it is 0; its window is the Taps.Length samples ending at it.
        var written = 0;
        for (var i = (Factor - _phase) % Factor; i < count; i += Factor)
        {
            var value = Dot(mono.Slice(i, Taps.Length), Taps);
            output[written++] = (short)Math.Clamp(MathF.Round(value), short.MinValue, short.MaxValue);
        }

        _phase = (_phase + count) % Factor;
        mono[count..].CopyTo(mono);
        InputFrames += count;
        OutputSamples += written;
        return written;
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }

        var result = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            result += a[i] * b[i];
        }

        return result;
    }
}
