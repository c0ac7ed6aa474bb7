using Microsoft.AspNetCore.Http.HttpResults;

namespace Scribe.Silo.Api;

/// <summary>The API's error answers, as problem JSON (RFC 9457).</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult UnknownRoom(string room) =>
        TypedResults.Problem(title: "Unknown room", detail: $"No room named '{room}' is known.", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult UnknownEndpoint(string name) =>
        TypedResults.Problem(title: "Unknown endpoint", detail: $"No endpoint named '{name}' is registered.", statusCode: StatusCodes.Status404NotFound);

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Bad request", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);
}
