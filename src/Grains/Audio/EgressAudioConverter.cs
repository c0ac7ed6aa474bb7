using System.Buffers.Binary;
using System.Numerics;

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
    public const int OutputRate = 16_000;
    private const int Factor = InputRate / OutputRate;
    private const int BytesPerInputFrame = InputChannels * sizeof(short);

    // A windowed-sinc low-pass at 7.2 kHz keeps speech and removes what would alias above the 8 kHz Nyquist.
    private static readonly float[] Taps = LowPassFilter.Design(tapCount: 48, cutoffHz: 7_200, sampleRate: InputRate);

    // The last Taps.Length mono samples, stored twice so the newest window is always one contiguous span.
    private readonly float[] _window = new float[2 * Taps.Length];
    private int _windowPosition;
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
            written += Push(_partialFrame, output);
        }

        var whole = input.Length - input.Length % BytesPerInputFrame;
        for (var offset = 0; offset < whole; offset += BytesPerInputFrame)
        {
            written += Push(input.Slice(offset, BytesPerInputFrame), output[written..]);
        }

        var rest = input[whole..];
        rest.CopyTo(_partialFrame);
        _partialLength = rest.Length;
        return written;
    }

    private int Push(ReadOnlySpan<byte> frame, Span<short> output)
    {
        var left = BinaryPrimitives.ReadInt16LittleEndian(frame);
        var right = BinaryPrimitives.ReadInt16LittleEndian(frame[2..]);
        var mono = (left + right) * 0.5f;

        var n = Taps.Length;
        _window[_windowPosition] = mono;
        _window[_windowPosition + n] = mono;
        _windowPosition = _windowPosition + 1 == n ? 0 : _windowPosition + 1;
        InputFrames++;

        var emit = _phase == 0;
        _phase = _phase + 1 == Factor ? 0 : _phase + 1;
        if (!emit)
        {
            return 0;
        }

        // Oldest-to-newest window starts at the next write position; taps are stored in the same order.
        var value = Dot(_window.AsSpan(_windowPosition, n), Taps);
        output[0] = (short)Math.Clamp(MathF.Round(value), short.MinValue, short.MaxValue);
        OutputSamples++;
        return 1;
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
