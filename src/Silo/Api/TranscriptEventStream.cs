using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Scribe.Rooms;

namespace Scribe.Silo.Api;

/// <summary>
/// Writes a room's transcript changes as server-sent events: first what changed after <c>since</c>, then every
/// change as it happens, until the client goes away or the credential that opened the stream lapses (a viewer
/// token's expiry, a key revoked by a reload): then a last <c>event: end</c>, <c>data: {"reason": "expired"}</c>.
/// </summary>
/// <remarks>
/// Each event is <c>event: segment</c>, <c>id: {segment revision}</c>, <c>data: {segment JSON}</c>. Events go
/// out in revision order, so ids only grow and the last id a client saw says exactly what it has: every
/// change up to it, none after. A reconnect with that <c>Last-Event-ID</c> therefore gets exactly what it
/// missed. A segment changed twice while the client was away arrives once, with its latest text.
/// </remarks>
public sealed class TranscriptEventStream(IRoomGrain grain, RoomTranscriptFeed feed, string room, long since, StreamCredential credential) : IResult
{
    /// <summary>A comment line this often keeps proxies and load balancers from closing an idle stream.</summary>
    public static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(15);

    private static readonly byte[] Heartbeat = ": keep-alive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        using var lease = credential;
        var response = httpContext.Response;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, lease.Lapsed);
        var cancellation = ended.Token;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events through as they are written
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        // Subscribe before catching up: an update published meanwhile is then in the channel, and one that
        // starts past what the catch-up returned is noticed as a gap and filled from the room.
        using var subscription = feed.Subscribe(room);
        var position = since;
        try
        {
            await response.StartAsync(cancellation);
            // Kestrel holds the headers until the first flush: without it a browser's EventSource stays
            // "connecting" until the first event or heartbeat when the catch-up has nothing to send.
            await response.Body.FlushAsync(cancellation);
            position = await CatchUpAsync(response, position, cancellation);
            var updates = subscription.Updates;
            while (!cancellation.IsCancellationRequested)
            {
                if (!await WaitForUpdateAsync(updates, cancellation))
                {
                    if (updates.Completion.IsCompleted)
                    {
                        return;
                    }

                    await response.Body.WriteAsync(Heartbeat, cancellation);
                    await response.Body.FlushAsync(cancellation);
                    continue;
                }

                while (updates.TryRead(out var update))
                {
                    if (update.FromRevision > position)
                    {
                        position = await CatchUpAsync(response, position, cancellation);
                    }

                    position = await WriteAsync(response, update.Changes, position, cancellation);
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client left, or the credential lapsed.
        }

        if (lease.Reason is { } reason && !httpContext.RequestAborted.IsCancellationRequested)
        {
            await WriteEndAsync(response, reason, httpContext.RequestAborted);
        }
    }

    /// <summary>The last event says why the stream ends, so a page knows to ask for a new token rather than reconnect.</summary>
    private static async Task WriteEndAsync(HttpResponse response, string reason, CancellationToken cancellation)
    {
        try
        {
            await response.WriteAsync($"event: end\ndata: {JsonSerializer.Serialize(new { reason }, JsonSerializerOptions.Web)}\n\n", cancellation);
            await response.Body.FlushAsync(cancellation);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client left meanwhile.
        }
    }

    private async Task<long> CatchUpAsync(HttpResponse response, long position, CancellationToken cancellation) =>
        await WriteAsync(response, await grain.GetChangesAsync(position).WaitAsync(cancellation), position, cancellation);

    /// <summary>Writes the segments of <paramref name="changes"/> newer than <paramref name="position"/>, oldest change first.</summary>
    /// <returns>The new position: everything up to it has been written.</returns>
    private static async Task<long> WriteAsync(HttpResponse response, TranscriptChanges changes, long position, CancellationToken cancellation)
    {
        var fresh = changes.Segments.Where(s => s.Revision > position).OrderBy(s => s.Revision).ToList();
        if (fresh.Count > 0)
        {
            var buffer = new StringBuilder();
            foreach (var segment in fresh)
            {
                buffer.Append("event: segment\nid: ")
                    .Append(segment.Revision.ToString(CultureInfo.InvariantCulture))
                    .Append("\ndata: ")
                    .Append(JsonSerializer.Serialize(segment, JsonSerializerOptions.Web))
                    .Append("\n\n");
            }

            await response.WriteAsync(buffer.ToString(), cancellation);
            await response.Body.FlushAsync(cancellation);
        }

        return Math.Max(position, changes.Revision);
    }

    private static async Task<bool> WaitForUpdateAsync(System.Threading.Channels.ChannelReader<TranscriptUpdate> updates, CancellationToken cancellation)
    {
        using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        heartbeat.CancelAfter(HeartbeatPeriod);
        try
        {
            // False only once the subscription is disposed, which ends the stream anyway.
            return await updates.WaitToReadAsync(heartbeat.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return false;
        }
    }
}
