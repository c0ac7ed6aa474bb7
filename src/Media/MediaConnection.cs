using System.Net.Sockets;

namespace Scribe.Media;

/// <summary>The media process's verified connection: frames in on one reader, messages out one at a time.</summary>
internal sealed class MediaConnection(TcpClient client) : IAsyncDisposable
{
    private readonly NetworkStream _stream = client.GetStream();
    private readonly SemaphoreSlim _writing = new(1, 1);

    public ValueTask<MediaFrame?> ReadAsync(CancellationToken ct) => MediaChannel.ReadAsync(_stream, ct);

    public async Task SendAsync(MediaMessage message, CancellationToken ct)
    {
        var frame = MediaChannel.Encode(message);
        await _writing.WaitAsync(ct);
        try
        {
            await _stream.WriteAsync(frame, ct);
        }
        finally
        {
            _writing.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
