using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Scribe.Endpoints;

namespace Scribe.Silo.Api;

/// <summary>
/// The admin API for speech endpoints: list with status, add, remove, drain, undrain. Behind the admin key.
/// A change is applied to this silo's balancer at once; other silos pick it up within a probe interval.
/// </summary>
public static partial class EndpointsApi
{
    /// <summary>camelCase, enums as camelCase names (<c>"healthy"</c>), no API keys in any answer.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static IEndpointRouteBuilder MapEndpointsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/endpoints").AddEndpointFilter<AdminKeyFilter>();

        api.MapGet("", async (IGrainFactory grains) =>
            Results.Json((await Registry(grains).GetSnapshotAsync()).Endpoints.Select(e => e.Status), Json));

        api.MapPost("", async (EndpointRequest? request, IGrainFactory grains, EndpointBalancer balancer) =>
        {
            if (request is null)
            {
                return Results.Problem(title: "Bad request", detail: "Send a JSON body {name, url, model, maxSessions, apiKey?, healthUrl?}.", statusCode: StatusCodes.Status400BadRequest);
            }

            var errors = request.Validate();
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors);
            }

            var endpoint = request.ToEndpoint();
            if (await Registry(grains).AddAsync(endpoint) == EndpointChange.DuplicateName)
            {
                return Results.Problem(title: "Duplicate endpoint", detail: $"An endpoint named '{endpoint.Name}' exists.", statusCode: StatusCodes.Status409Conflict);
            }

            var status = await RefreshAsync(grains, balancer, endpoint.Name);
            return Results.Json(status, Json, statusCode: StatusCodes.Status201Created);
        });

        // Sessions on a removed endpoint move at their next generation boundary, like a drain.
        api.MapDelete("/{name}", async (string name, IGrainFactory grains, EndpointBalancer balancer) =>
        {
            if (await Registry(grains).RemoveAsync(name) != EndpointChange.Done)
            {
                return UnknownEndpoint(name);
            }

            await RefreshAsync(grains, balancer, name);
            return Results.NoContent();
        });

        api.MapPost("/{name}/drain", (string name, IGrainFactory grains, EndpointBalancer balancer) =>
            ChangeAsync(name, grains, balancer, r => r.DrainAsync(name)));

        api.MapPost("/{name}/undrain", (string name, IGrainFactory grains, EndpointBalancer balancer) =>
            ChangeAsync(name, grains, balancer, r => r.UndrainAsync(name)));

        return app;
    }

    private static async Task<IResult> ChangeAsync(
        string name, IGrainFactory grains, EndpointBalancer balancer, Func<IEndpointRegistryGrain, Task<EndpointChange>> change)
    {
        if (await change(Registry(grains)) != EndpointChange.Done)
        {
            return UnknownEndpoint(name);
        }

        return Results.Json(await RefreshAsync(grains, balancer, name), Json);
    }

    /// <summary>Hands the new snapshot to this silo's balancer now rather than at the next tick.</summary>
    private static async Task<EndpointStatus?> RefreshAsync(IGrainFactory grains, EndpointBalancer balancer, string name)
    {
        var snapshot = await Registry(grains).GetSnapshotAsync();
        balancer.Apply(snapshot);
        return snapshot.Endpoints.Select(e => e.Status).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    private static IEndpointRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IEndpointRegistryGrain>(IEndpointRegistryGrain.Key);

    private static IResult UnknownEndpoint(string name) =>
        Results.Problem(title: "Unknown endpoint", detail: $"No endpoint named '{name}' is registered.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>The body of <c>POST /api/endpoints</c>.</summary>
    public sealed record EndpointRequest(string? Name, string? Url, string? Model, int? MaxSessions, string? ApiKey, string? HealthUrl)
    {
        public Dictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(Name) || !EndpointName().IsMatch(Name))
                errors["name"] = ["Required: 1 to 64 letters, digits, '.', '_' or '-'."];
            if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
                errors["url"] = ["Required: the ws:// or wss:// URL of the server's /v1/realtime."];
            if (string.IsNullOrWhiteSpace(Model))
                errors["model"] = ["Required: the model the server serves."];
            if (MaxSessions is not (>= 1 and <= 100_000))
                errors["maxSessions"] = ["Required: how many concurrent sessions it holds, 1 to 100000."];
            if (!string.IsNullOrEmpty(HealthUrl) && (!Uri.TryCreate(HealthUrl, UriKind.Absolute, out var health) || health.Scheme is not ("http" or "https")))
                errors["healthUrl"] = ["When given: the http(s) base of /health and /metrics."];
            return errors;
        }

        public InferenceEndpoint ToEndpoint() => new(
            Name!.Trim(), new Uri(Url!), Model!.Trim(), MaxSessions!.Value,
            string.IsNullOrEmpty(ApiKey) ? null : ApiKey,
            string.IsNullOrEmpty(HealthUrl) ? null : new Uri(HealthUrl));
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex EndpointName();
}
