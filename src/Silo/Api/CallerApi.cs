using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Scribe.Silo.Api;

/// <summary><c>GET /api/me</c>: the caller's key name and scopes, so a client (the dashboard) shows only what it may do.</summary>
public static class CallerApi
{
    public static RouteGroupBuilder MapCallerApi(this RouteGroupBuilder api)
    {
        // Any credential may ask who it is.
        api.MapGet("/me", Describe).WithMetadata(RequiredScope.AnyCaller).WithSummary("Who the caller is and what it may do.");
        return api;
    }

    internal static Ok<CallerView> Describe(ApiCaller caller) =>
        TypedResults.Ok(new CallerView(caller.Name, [.. ApiScope.All.Where(caller.Holds)], caller.Room));

    /// <param name="Room">For a viewer token, the one room it opens.</param>
    public sealed record CallerView(string Name, IReadOnlyList<string> Scopes, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Room);
}
