using Microsoft.AspNetCore.Http.HttpResults;
using Scribe.Participants;

namespace Scribe.Silo.Api;

/// <summary><c>GET /api/rooms</c> (the directory) and <c>GET /api/rooms/{room}</c> (one room with its speakers' status).</summary>
public static class RoomsApi
{
    public static RouteGroupBuilder MapRoomsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/rooms", ListAsync).RequireScope(ApiScope.TranscriptsRead).WithSummary("Active rooms, then finished ones.");
        api.MapGet("/rooms/{room}", GetAsync).RequireScope(ApiScope.TranscriptsRead).WithSummary("One room with its speakers' status and usage.");
        return api;
    }

    internal static async Task<Ok<RoomList>> ListAsync(IGrainFactory grains, TimeProvider time)
    {
        var rooms = await grains.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key).ListAsync();
        var now = time.GetUtcNow();
        return TypedResults.Ok(new RoomList([.. rooms.Select(r => RoomView.Of(r, now))]));
    }

    internal static async Task<Results<Ok<RoomView>, ProblemHttpResult>> GetAsync(string room, IGrainFactory grains, TimeProvider time)
    {
        if (await grains.GetGrain<IRoomGrain>(room).GetSummaryAsync() is not { } summary)
        {
            return ApiProblems.UnknownRoom(room);
        }

        var speakers = await Task.WhenAll(summary.Speakers.Select(identity =>
            grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(room, identity)).GetStatusAsync()));
        return TypedResults.Ok(RoomView.Of(summary, time.GetUtcNow(), speakers));
    }

    public sealed record RoomList(IReadOnlyList<RoomView> Rooms);
}
