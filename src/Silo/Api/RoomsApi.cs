using Scribe.Participants;

namespace Scribe.Silo.Api;

/// <summary><c>GET /api/rooms</c> (the directory) and <c>GET /api/rooms/{room}</c> (one room with its speakers' status).</summary>
public static class RoomsApi
{
    public static RouteGroupBuilder MapRoomsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/rooms", async (IGrainFactory grains, TimeProvider time) =>
        {
            var rooms = await grains.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key).ListAsync();
            var now = time.GetUtcNow();
            return TypedResults.Json(new { rooms = rooms.Select(r => RoomView.Of(r, now)) }, RoomView.Json);
        });

        api.MapGet("/rooms/{room}", async (string room, IGrainFactory grains, TimeProvider time) =>
        {
            if (await grains.GetGrain<IRoomGrain>(room).GetSummaryAsync() is not { } summary)
            {
                return ApiProblems.UnknownRoom(room);
            }

            var speakers = await Task.WhenAll(summary.Speakers.Select(identity =>
                grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(room, identity)).GetStatusAsync()));
            return TypedResults.Json(RoomView.Of(summary, time.GetUtcNow(), speakers), RoomView.Json);
        });

        return api;
    }
}
