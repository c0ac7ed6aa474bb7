namespace Scribe.Fakes.LiveKit;

/// <summary>
/// Puts <c>Content-Type: audio/x-raw</c> on a WebSocket upgrade as LiveKit's egress does. ClientWebSocket drops
/// it as a request header (it is a content header), so it rides on an empty content instead. Use it with
/// <c>ClientWebSocket.ConnectAsync(url, new HttpMessageInvoker(new RawAudioHandshake()), ct)</c>.
/// </summary>
public sealed class RawAudioHandshake() : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Content ??= new ByteArrayContent([]);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/x-raw");
        return base.SendAsync(request, cancellationToken);
    }
}
