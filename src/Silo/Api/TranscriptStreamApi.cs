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
        api.MapGet("/rooms/{room}/transcript/stream", async (string room, HttpContext http, IGrainFactory grains, RoomTranscriptFeed feed) =>
        {
            var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
            var position = lastEventId.Length > 0 ? lastEventId : http.Request.Query["since"].ToString();
            if (!TranscriptQuery.TryParseSince(position.Length > 0 ? position : null, out var since, out var error))
            {
                return ApiProblems.BadRequest(lastEventId.Length > 0 ? $"Last-Event-ID must be a revision ≥ 0, not '{lastEventId}'." : error);
            }

            var grain = grains.GetGrain<IRoomGrain>(room);
            if (await grain.GetSummaryAsync() is null)
            {
                return ApiProblems.UnknownRoom(room);
            }

            return new TranscriptEventStream(grain, feed, room, since);
        });

        return api;
    }
}
