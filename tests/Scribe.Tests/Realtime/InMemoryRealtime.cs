using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Scribe.Tests.Realtime;

/// <summary>A realtime session in memory: records what the client sends; the test plays the server's events.</summary>
public sealed class InMemorySession(InferenceEndpoint endpoint, string id) : IRealtimeSession
{
    private readonly Channel<RealtimeServerEvent?> _events = Channel.CreateUnbounded<RealtimeServerEvent?>();

    public InferenceEndpoint Endpoint { get; } = endpoint;

    public string Id { get; } = id;

    /// <summary>What the client sent: <c>commit</c>, <c>append:N</c> (samples), <c>final</c>.</summary>
    public ConcurrentQueue<string> Sent { get; } = new();

    /// <summary>Sends throw as on a broken socket.</summary>
    public bool Broken { get; set; }

    public bool Disposed { get; private set; }

    public void Send(RealtimeServerEvent serverEvent) => _events.Writer.TryWrite(serverEvent);

    /// <summary>The server closes the socket.</summary>
    public void Close() => _events.Writer.TryComplete();

    public ValueTask CommitAsync(CancellationToken cancellationToken) => Record("commit");

    public ValueTask CommitFinalAsync(CancellationToken cancellationToken) => Record("final");

    public ValueTask AppendAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken) => Record($"append:{samples.Length}");

    public async ValueTask<RealtimeServerEvent?> ReceiveAsync(CancellationToken cancellationToken) =>
        await _events.Reader.WaitToReadAsync(cancellationToken) && _events.Reader.TryRead(out var next) ? next : null;

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private ValueTask Record(string what)
    {
        if (Broken)
        {
            return ValueTask.FromException(new IOException("socket broken"));
        }

        Sent.Enqueue(what);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Opens <see cref="InMemorySession"/>s; the first <see cref="FailNext"/> attempts are refused.</summary>
public sealed class InMemoryConnector : IRealtimeConnector
{
    private int _attempts;

    public ConcurrentQueue<InMemorySession> Opened { get; } = new();

    public int FailNext { get; set; }

    public int Attempts => Volatile.Read(ref _attempts);

    public InMemorySession Last => Opened.Last();

    public Task<IRealtimeSession> OpenAsync(InferenceEndpoint endpoint, string? language, TimeSpan handshakeTimeout, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        if (FailNext > 0)
        {
            FailNext--;
            return Task.FromException<IRealtimeSession>(new RealtimeSessionException(endpoint, "refused"));
        }

        var session = new InMemorySession(endpoint, $"sess-{attempt}");
        Opened.Enqueue(session);
        return Task.FromResult<IRealtimeSession>(session);
    }
}

/// <summary>Two endpoints of four sessions each, reached only through an <see cref="InMemoryConnector"/>.</summary>
internal static class InMemoryEndpoints
{
    public static readonly InferenceEndpoint Gpu1 = new("gpu-1", new Uri("ws://gpu-1/v1/realtime"), "m", 4);
    public static readonly InferenceEndpoint Gpu2 = new("gpu-2", new Uri("ws://gpu-2/v1/realtime"), "m", 4);
}
