using System.Collections.Concurrent;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// A stand-in for our ingest endpoint that records what an egress sends to <c>ws://…/ingest/{id}?token=…</c>:
/// the upgrade's Content-Type, every message in order, and how the socket closed. A wrong or missing
/// token is refused with 401 before the upgrade.
/// </summary>
public sealed class EgressSocketRecorder : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, RecordedEgressSocket> _sockets = new(StringComparer.Ordinal);

    private EgressSocketRecorder(WebApplication app, string token)
    {
        _app = app;
        Token = token;
    }

    public string Token { get; }

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<EgressSocketRecorder> StartAsync(string token = "secret-ingest-token", CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var recorder = new EgressSocketRecorder(app, token);
        app.UseWebSockets();
        app.Map("/ingest/{id}", (HttpContext context, string id) => recorder.AcceptAsync(context, id));
        await app.StartAsync(ct).ConfigureAwait(false);
        recorder.BaseUrl = Loopback.AddressOf(app);
        return recorder;
    }

    /// <summary>The URL to give StartTrackEgress for <paramref name="id"/>, with the right token unless told otherwise.</summary>
    public Uri UrlFor(string id, string? token = null) =>
        new($"ws://{BaseUrl.Authority}/ingest/{Uri.EscapeDataString(id)}?token={Uri.EscapeDataString(token ?? Token)}");

    public RecordedEgressSocket SocketFor(string id) => _sockets.GetOrAdd(id, static i => new RecordedEgressSocket(i));

    private async Task AcceptAsync(HttpContext context, string id)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!string.Equals(context.Request.Query["token"].ToString(), Token, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var record = SocketFor(id);
        record.ContentType = context.Request.Headers.ContentType.ToString();
        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    record.CloseStatus = result.CloseStatus;
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    record.Add(new EgressSocketMessage(result.MessageType == WebSocketMessageType.Text, message.ToArray()));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            record.AbortedError = ex.Message;
        }
        finally
        {
            record.Finish();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>One message an egress sent: PCM bytes (binary) or a JSON mute event (text).</summary>
public sealed record EgressSocketMessage(bool IsText, byte[] Data)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Data);
}

/// <summary>What one egress connection delivered.</summary>
public sealed class RecordedEgressSocket(string id)
{
    private readonly ConcurrentQueue<EgressSocketMessage> _messages = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;

    public string? ContentType { get; internal set; }

    public IReadOnlyList<EgressSocketMessage> Messages => [.. _messages];

    /// <summary>The close status the egress sent; null when the socket was torn down without one.</summary>
    public WebSocketCloseStatus? CloseStatus { get; internal set; }

    public string? AbortedError { get; internal set; }

    /// <summary>All binary payloads concatenated: the PCM stream as the receiver saw it.</summary>
    public byte[] Audio => [.. Messages.Where(m => !m.IsText).SelectMany(m => m.Data)];

    public Task WaitForEndAsync(CancellationToken ct) => _ended.Task.WaitAsync(ct);

    internal void Add(EgressSocketMessage message) => _messages.Enqueue(message);

    internal void Finish() => _ended.TrySetResult();
}
