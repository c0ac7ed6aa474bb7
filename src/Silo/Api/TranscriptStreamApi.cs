using Microsoft.AspNetCore.Mvc;
using Scribe.Rooms;

namespace Scribe.Silo.Api;

/// <summary>
/// <c>GET /api/rooms/{room}/transcript/stream</c>: server-sent events, one <c>segment</c> event per upsert.
/// The position is <c>Last-Event-ID</c> (a reconnecting browser sends it) or else <c>?since=</c>.
/// </summary>
public static class TranscriptStreamApi
{
    public static RouteGroupBuilder MapTranscriptStreamApi(this RouteGroupBuilder api)
    {
        api.MapGet("/rooms/{room}/transcript/stream", StreamAsync).RequireScope(ApiScope.TranscriptsRead)
            .WithSummary("Server-sent events: one 'segment' event per change. A browser may pass its credential as ?access_token=.")
            .Produces<TranscriptSegment>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <param name="since">The revision to start after, when no Last-Event-ID header is sent.</param>
    /// <param name="accessToken">The API key or viewer token, for a browser's EventSource that cannot send a header.</param>
    internal static async Task<IResult> StreamAsync(string room, HttpContext http, IGrainFactory grains, RoomTranscriptFeed feed,
        // Declared for the API description; the handler reads them itself, to answer a wrong value with problem JSON.
        string? since = null, [FromQuery(Name = ApiCredentials.AccessTokenParameter)] string? accessToken = null)
    {
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        var position = lastEventId.Length > 0 ? lastEventId : http.Request.Query["since"].ToString();
        if (!TranscriptQuery.TryParseSince(position.Length > 0 ? position : null, out var from, out var error))
        {
            return ApiProblems.BadRequest(lastEventId.Length > 0 ? $"Last-Event-ID must be a revision ≥ 0, not '{lastEventId}'." : error);
        }

        var grain = grains.GetGrain<IRoomGrain>(room);
        if (await grain.GetSummaryAsync() is null)
        {
            return ApiProblems.UnknownRoom(room);
        }

        return new TranscriptEventStream(grain, feed, room, from);
    }
}
