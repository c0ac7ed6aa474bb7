using Microsoft.AspNetCore.Http.HttpResults;
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
        api.MapGet("/rooms/{room}/transcript/stream", StreamAsync).RequireScope(ApiScope.TranscriptsRead).AllowViewer().AcceptQueryCredential()
            .WithSummary("Server-sent events: one 'segment' event per change; a last 'end' event when the credential lapses. A browser may pass its credential as ?access_token=.")
            .Produces<TranscriptSegment>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <param name="since">The revision to start after, when no Last-Event-ID header is sent.</param>
    /// <param name="lastEventId">The last event a reconnecting EventSource saw.</param>
    /// <param name="accessToken">The API key or viewer token, for a browser's EventSource that cannot send a header; read by <see cref="ApiCredentials"/>.</param>
    internal static async Task<Results<TranscriptEventStream, ProblemHttpResult>> StreamAsync(
        string room, HttpRequest request, IGrainFactory grains, RoomTranscriptFeed feed, ApiCredentials credentials, TimeProvider time,
        string? since = null, [FromHeader(Name = "Last-Event-ID")] string? lastEventId = null,
        [FromQuery(Name = ApiCredentials.AccessTokenParameter)] string? accessToken = null)
    {
        var position = string.IsNullOrEmpty(lastEventId) ? since : lastEventId;
        if (!TranscriptQuery.TryParseSince(string.IsNullOrEmpty(position) ? null : position, out var from, out var error))
        {
            return ApiProblems.BadRequest(string.IsNullOrEmpty(lastEventId) ? error : $"Last-Event-ID must be a revision ≥ 0, not '{lastEventId}'.");
        }

        var grain = grains.GetGrain<IRoomGrain>(room);
        if (await grain.GetSummaryAsync() is null)
        {
            return ApiProblems.UnknownRoom(room);
        }

        return new TranscriptEventStream(grain, feed, room, from, new StreamCredential(request, credentials, time, room));
    }
}
