using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Scribe.Media;

/// <summary>
/// Who may talk on the media channel: the first connection whose first frame is a <c>hello</c> with the run's
/// secret (compared in constant time) and our protocol version, within <see cref="MediaProcess.HelloTimeout"/>.
/// Every other connection is closed: a wrong or slow hello, and any connection once one was accepted.
/// </summary>
internal static class MediaChannelGate
{
    public static async Task<MediaConnection> AcceptAsync(TcpListener listener, string secret, ILogger logger, CancellationToken ct)
    {
        var chosen = new TaskCompletionSource<MediaConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(() => AcceptLoopAsync(listener, secret, logger, chosen, ct), CancellationToken.None);
        return await chosen.Task.WaitAsync(ct);
    }

    private static async Task AcceptLoopAsync(
        TcpListener listener, string secret, ILogger logger, TaskCompletionSource<MediaConnection> chosen, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = VerifyAsync(client, secret, logger, chosen, ct);
        }
    }

    private static async Task VerifyAsync(TcpClient client, string secret, ILogger logger, TaskCompletionSource<MediaConnection> chosen, CancellationToken ct)
    {
        client.NoDelay = true;
        var connection = new MediaConnection(client);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(MediaProcess.HelloTimeout);
        string? refusal;
        try
        {
            refusal = await connection.ReadAsync(timeout.Token) switch
            {
                MessageFrame { Message: HelloMessage hello } => Check(hello, secret),
                null => "closed before its hello",
                _ => "its first frame is not a hello",
            };
        }
        catch (OperationCanceledException)
        {
            refusal = $"no hello within {MediaProcess.HelloTimeout.TotalSeconds} s";
        }
        catch (Exception ex) when (ex is IOException or SocketException or MediaChannelException)
        {
            refusal = $"bad hello ({ex.Message})";
        }

        if (refusal is null && chosen.TrySetResult(connection))
        {
            return;
        }

        MediaLog.Refused(logger, refusal ?? "the media process is already connected");
        await connection.DisposeAsync();
    }

    private static string? Check(HelloMessage hello, string secret)
    {
        var offered = Encoding.UTF8.GetBytes(hello.Secret);
        var expected = Encoding.UTF8.GetBytes(secret);
        if (!CryptographicOperations.FixedTimeEquals(offered, expected))
        {
            return "wrong secret";
        }

        return hello.Version == MediaProcess.ProtocolVersion ? null : $"protocol version {hello.Version}, expected {MediaProcess.ProtocolVersion}";
    }
}
