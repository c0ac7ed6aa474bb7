namespace Scribe.Silo.Api;

/// <summary>The admin API: rooms and their transcripts. Every route needs the admin key.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter<AdminKeyFilter>();

        api.MapGet("/rooms/{room}", async (string room, IGrainFactory grains) =>
            await grains.GetGrain<IRoomGrain>(room).GetSummaryAsync() is { } summary
                ? Results.Ok(summary)
                : UnknownRoom(room));

        api.MapGet("/rooms/{room}/transcript", async (string room, long? since, IGrainFactory grains) =>
        {
            if (since is < 0)
            {
                return Results.Problem(title: "Bad request", detail: "since must be a revision ≥ 0.", statusCode: StatusCodes.Status400BadRequest);
            }

            var grain = grains.GetGrain<IRoomGrain>(room);
            if (await grain.GetSummaryAsync() is null)
            {
                return UnknownRoom(room);
            }

            var changes = await grain.GetChangesAsync(since ?? 0);
            return Results.Ok(new { room, revision = changes.Revision, segments = changes.Segments });
        });

        return app;
    }

    private static IResult UnknownRoom(string room) =>
        Results.Problem(title: "Unknown room", detail: $"No room named '{room}' is known.", statusCode: StatusCodes.Status404NotFound);
}
