namespace Scribe.Silo.Api;

/// <summary>The admin API's error answers, as problem JSON (RFC 9457).</summary>
internal static class ApiProblems
{
    public static IResult UnknownRoom(string room) =>
        TypedResults.Problem(title: "Unknown room", detail: $"No room named '{room}' is known.", statusCode: StatusCodes.Status404NotFound);

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Bad request", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
