using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scribe.Silo.Api;

/// <summary>
/// The one <c>/api</c> group: one auth filter (<see cref="ApiAuthFilter"/>) in front of every route, each of which
/// declares its scope; a module adds its routes to the group it is handed.
/// </summary>
public static class ScribeApi
{
    public const string Prefix = "/api";

    /// <summary>Every answer's JSON: camelCase names and enums as camelCase strings (<c>"active"</c>, <c>"healthy"</c>).</summary>
    public static void Configure(JsonSerializerOptions json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    public static RouteGroupBuilder MapScribeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix).AddEndpointFilter<ApiAuthFilter>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapCallerApi();
        api.MapRoomsApi();
        api.MapTranscriptApi();
        api.MapTranscriptStreamApi();
        api.MapTranscriptionApi();
        api.MapViewerTokenApi();
        api.MapEndpointsApi();
        api.MapClusterApi();
        api.MapNotificationsApi();
        return api;
    }
}
