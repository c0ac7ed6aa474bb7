using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Scribe.Benchmarks;

/// <summary>
/// Plays LiveKit track egress for many streams at once, as cheaply as a client can: one thread wakes every frame
/// period and writes each stream's next WebSocket frame with one <c>send</c> on a plain socket. Every frame is
/// built (header, mask, masked payload) before the run starts, so a tick allocates nothing and copies nothing;
/// the load a silo sees is then limited by the silo, not by this process.
/// </summary>
internal sealed class EgressLoadGenerator : IDisposable
{
    /// <summary>Sub-ticks per frame period; stream i sends in slot i mod Slots.</summary>
    private const int Slots = 4;

    private readonly TimeSpan _period;
    private readonly Thread _thread;
    private volatile EgressStream[] _streams = [];
    private volatile bool _stopping;
    private long _ticks;
    private long _lateTicks;
    private long _maxLagTicks;
    private int _lost;

    public EgressLoadGenerator(int frameMs)
    {
        _period = TimeSpan.FromMilliseconds(frameMs);
        _thread = new Thread(Run) { IsBackground = true, Name = "egress load", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public int Count => _streams.Length;

    /// <summary>Sub-ticks so far; each sends one frame on every stream of its slot.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Sub-ticks whose sends ended more than a frame period late: this process could not keep real-time pace.</summary>
    public long LateTicks => Interlocked.Read(ref _lateTicks);

    /// <summary>Streams whose socket failed under a send.</summary>
    public int Lost => Volatile.Read(ref _lost);

    /// <summary>The longest a tick's last send came after its due time since the last call.</summary>
    public TimeSpan TakeMaxLag() => Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref _maxLagTicks, 0));

    /// <summary>Opens an egress WebSocket to <paramref name="url"/> (the silo's ingest URL with its token).</summary>
    /// <param name="delayFrames">Frame periods to wait before the first frame, so streams that join together do not
    /// complete their 100 ms chunks on the same tick.</param>
    public static async Task<EgressStream> ConnectAsync(Uri url, EgressSignal signal, int startFrame, int delayFrames, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(url.Host, url.Port, cancellationToken);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nContent-Type: audio/x-raw\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
            var response = await ReadHeadAsync(socket, cancellationToken);
#pragma warning disable CA5350 // RFC 6455 §4.2.2 fixes SHA-1 for the accept key: a handshake check, not security
            var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
            if (!response.StartsWith("HTTP/1.1 101", StringComparison.Ordinal) || !response.Contains($"Sec-WebSocket-Accept: {expected}", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"ingest refused the upgrade: {response.Split("\r\n")[0]}");
            }

            return new EgressStream(socket, signal, startFrame, delayFrames);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Adds streams; they get their first frame at the next tick.</summary>
    public void Add(IEnumerable<EgressStream> streams) => _streams = [.. _streams, .. streams];

    /// <summary>Streams the silo closed (a close frame or end of stream) or that failed under a send.</summary>
    public int CountClosed() => _streams.Count(stream => stream.CheckClosed());

    private static async Task<string> ReadHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        // Byte by byte: the head is short, and nothing after it may be consumed here.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket.ReceiveAsync(one, cancellationToken) == 0 || head.Length > 8192)
            {
                throw new InvalidOperationException("ingest closed the connection during the upgrade");
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    private void Run()
    {
        // Independent egress processes do not send in step: the streams are spread over Slots sub-ticks of the
        // frame period, one wake-up per slot, so the silo sees a steady flow rather than one burst per frame.
        var start = Stopwatch.GetTimestamp();
        var period = (long)(_period.TotalSeconds * Stopwatch.Frequency);
        for (long tick = 1; !_stopping; tick++)
        {
            var due = start + tick * period / Slots;
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                // Pacing a real-time source: the thread has nothing else to do until the next slot is due.
                Thread.Sleep(wait);
            }

            var streams = _streams;
            for (var i = (int)(tick % Slots); i < streams.Length; i += Slots)
            {
                if (!streams[i].SendNext())
                {
                    Interlocked.Increment(ref _lost);
                }
            }

            var lag = Stopwatch.GetTimestamp() - due;
            if (lag > period)
            {
                Interlocked.Increment(ref _lateTicks);
            }

            if (lag > Interlocked.Read(ref _maxLagTicks))
            {
                Interlocked.Exchange(ref _maxLagTicks, lag);
            }

            Interlocked.Increment(ref _ticks);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        foreach (var stream in _streams)
        {
            stream.Dispose();
        }
    }
}

/// <summary>One egress socket and where it is in its signal.</summary>
internal sealed class EgressStream(Socket socket, EgressSignal signal, int startFrame, int delayFrames) : IDisposable
{
    private int _next = startFrame % signal.FrameCount;
    private int _delay = delayFrames;
    private bool _failed;
    private bool _closed;

    public bool Speaking => signal.Speaking;

    /// <summary>Sends the next frame (blocking: a silo that stops reading makes the tick late, as it should).</summary>
    public bool SendNext()
    {
        if (_failed || _delay-- > 0)
        {
            return true; // a failure is counted once, when it happens
        }

        try
        {
            socket.Send(signal.Frame(_next));
            _next = _next + 1 == signal.FrameCount ? 0 : _next + 1;
            return true;
        }
        catch (SocketException)
        {
            _failed = true;
            return false;
        }
    }

    /// <summary>True when the silo has sent a close frame or ended the connection; reads whatever it sent.</summary>
    public bool CheckClosed()
    {
        if (_closed || _failed)
        {
            return true;
        }

        var buffer = new byte[256];
        while (socket.Available > 0 || socket.Poll(0, SelectMode.SelectRead))
        {
            var read = socket.Receive(buffer);
            // Server frames are not masked; pongs (keep-alive) are harmless, a close (opcode 8) is the end.
            if (read == 0 || (buffer[0] & 0x0F) == 0x8)
            {
                _closed = true;
                return true;
            }
        }

        return false;
    }

    public void Dispose() => socket.Dispose();
}

/// <summary>
/// A looped 48 kHz stereo s16le signal cut into egress WebSocket frames, ready to send: a binary frame header, a
/// mask and the masked payload. Clients must mask (RFC 6455 §5.3); one fixed mask is enough for a server, which
/// only unmasks, and lets every frame be built once.
/// </summary>
internal sealed class EgressSignal
{
    private static readonly byte[] Mask = [0x5A, 0x1C, 0xE3, 0x77];
    private readonly byte[] _frames;
    private readonly int _frameLength;

    public EgressSignal(byte[] pcm48kStereo, int frameMs, bool speaking)
    {
        var payload = frameMs * 48 * 4;
        if (payload > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(frameMs), frameMs, "frames above 341 ms need a 64-bit length");
        }

        Speaking = speaking;
        FrameCount = pcm48kStereo.Length / payload;
        _frameLength = 8 + payload;
        _frames = new byte[FrameCount * _frameLength];
        for (var f = 0; f < FrameCount; f++)
        {
            var frame = _frames.AsSpan(f * _frameLength, _frameLength);
            frame[0] = 0x82; // FIN, binary
            frame[1] = 0x80 | 126; // masked, 16-bit length follows
            BinaryPrimitives.WriteUInt16BigEndian(frame[2..], (ushort)payload);
            Mask.CopyTo(frame[4..]);
            var source = pcm48kStereo.AsSpan(f * payload, payload);
            for (var i = 0; i < payload; i++)
            {
                frame[8 + i] = (byte)(source[i] ^ Mask[i & 3]);
            }
        }
    }

    public int FrameCount { get; }

    /// <summary>Whether the signal carries speech (some of the time) or only a quiet noise floor.</summary>
    public bool Speaking { get; }

    public ReadOnlySpan<byte> Frame(int index) => _frames.AsSpan(index * _frameLength, _frameLength);

    /// <summary>Speech-like load for a level detector: 5 s of a 440 Hz tone, then 0.8 s of silence.</summary>
    public static byte[] Tone()
    {
        var samples = 5_800 * 48;
        var pcm = new byte[samples * 4];
        for (var i = 0; i < 5_000 * 48; i++)
        {
            var value = (short)(8_000 * Math.Sin(2 * Math.PI * 440 * i / 48_000.0));
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 4), value);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i * 4 + 2), value);
        }

        return pcm;
    }

    /// <summary>
    /// A microphone nobody speaks into: white noise about 70 dB below full scale (a quiet room through WebRTC's
    /// noise suppression), not digital zero, so a detector has real samples to judge.
    /// </summary>
    public static byte[] NoiseFloor(int seconds, int seed)
    {
        var random = new Random(seed);
        var pcm = new byte[seconds * 48_000 * 4];
        for (var i = 0; i < pcm.Length; i += 4)
        {
            // Uniform in ±18: RMS 18/√3 ≈ 10.4, i.e. −70 dBFS.
            var value = (short)random.Next(-18, 19);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i), value);
            BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(i + 2), value);
        }

        return pcm;
    }

    /// <summary>Sentences (48 kHz stereo) with a second of noise floor after each, as one speaker talking on and off.</summary>
    public static byte[] Sentences(IEnumerable<byte[]> sentences)
    {
        var pause = NoiseFloor(1, seed: 7);
        using var all = new MemoryStream();
        foreach (var sentence in sentences)
        {
            all.Write(sentence);
            all.Write(pause);
        }

        return all.ToArray();
    }
}
