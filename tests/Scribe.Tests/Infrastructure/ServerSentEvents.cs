using System.Net.Http.Headers;

namespace Scribe.Tests.Infrastructure;

/// <summary>One event of a text/event-stream, as the HTML spec's parser would dispatch it.</summary>
internal sealed record ServerSentEvent(string Event, string? Id, string Data)
{
    public TranscriptSegment Segment => JsonSerializer.Deserialize<TranscriptSegment>(Data, JsonSerializerOptions.Web)!;
}

/// <summary>A client of a server-sent event stream over a real HTTP connection: reads events, skips comments, counts heartbeats.</summary>
internal sealed class EventStreamClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamClient(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public HttpResponseMessage Response => _response;

    public string? LastEventId { get; private set; }

    public int Comments { get; private set; }

    public static async Task<EventStreamClient> OpenAsync(HttpClient http, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new EventStreamClient(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next dispatched event; comments (heartbeats) are counted and skipped.</summary>
    public async Task<ServerSentEvent> ReadAsync(CancellationToken cancellationToken)
    {
        string? type = null, id = null;
        var data = new List<string>();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.Length == 0)
            {
                if (data.Count == 0 && type is null && id is null)
                {
                    continue;
                }

                LastEventId = id ?? LastEventId;
                return new ServerSentEvent(type ?? "message", id, string.Join('\n', data));
            }

            if (line[0] == ':')
            {
                Comments++;
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "event": type = value; break;
                case "data": data.Add(value); break;
                case "id": id = value; break;
            }
        }
    }

    public async Task<List<ServerSentEvent>> ReadAsync(int count, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var events = new List<ServerSentEvent>(count);
        while (events.Count < count)
        {
            events.Add(await ReadAsync(cancel.Token));
        }

        return events;
    }

    /// <summary>Whether another event arrives within <paramref name="wait"/>.</summary>
    public async Task<ServerSentEvent?> TryReadAsync(TimeSpan wait)
    {
        using var cancel = new CancellationTokenSource(wait);
        try
        {
            return await ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
