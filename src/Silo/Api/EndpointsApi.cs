using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Scribe.Endpoints;

namespace Scribe.Silo.Api;

/// <summary>
/// The API for speech endpoints: list with status, add, remove, drain, undrain (scope <c>endpoints</c>).
/// A change is applied to this silo's balancer at once; other silos pick it up within a probe interval.
/// </summary>
public static partial class EndpointsApi
{
    public static RouteGroupBuilder MapEndpointsApi(this RouteGroupBuilder api)
    {
        var endpoints = api.MapGroup("/endpoints").RequireScope(ApiScope.Endpoints);
        endpoints.MapGet("", ListAsync).WithSummary("Every speech endpoint with its status. API keys are never shown.");
        endpoints.MapGet("/history", HistoryAsync)
            .WithSummary("Generation slots in use per endpoint and speakers waiting for one, over the last 15 minutes: the highest of each 10 s, oldest first.");
        endpoints.MapPost("", AddAsync).WithSummary("Adds a speech endpoint.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);
        // Sessions on a removed endpoint move at their next generation boundary, like a drain.
        endpoints.MapDelete("/{name}", RemoveAsync).WithSummary("Removes a speech endpoint.").ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{name}/drain", DrainAsync).WithSummary("Sends no new sessions to the endpoint; running ones move at a boundary.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        endpoints.MapPost("/{name}/undrain", UndrainAsync).WithSummary("Lets the endpoint take sessions again.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    /// <summary>The registry's rows with the generation slots' live figures: our running generations and the speakers waiting.</summary>
    internal static async Task<Ok<IEnumerable<EndpointStatus>>> ListAsync(IGrainFactory grains)
    {
        var snapshot = await Registry(grains).GetSnapshotAsync();
        var usage = await grains.GetGrain<IGenerationSlotsGrain>(IGenerationSlotsGrain.Key).GetUsageAsync();
        return TypedResults.Ok(snapshot.Endpoints.Select(e => e.Status with
        {
            RunningGenerations = usage.Running.GetValueOrDefault(e.Status.Name),
            WaitingSpeakers = usage.Waiting,
        }));
    }

    internal static async Task<Ok<CapacityHistoryView>> HistoryAsync(IGrainFactory grains)
    {
        var history = await grains.GetGrain<IGenerationSlotsGrain>(IGenerationSlotsGrain.Key).GetHistoryAsync();
        return TypedResults.Ok(new CapacityHistoryView((int)CapacityHistory.Period.TotalSeconds, history.Samples, history.AdmissionWaitP99Ms));
    }

    /// <summary>The body of <c>GET /api/endpoints/history</c>.</summary>
    public sealed record CapacityHistoryView(int PeriodSeconds, IReadOnlyList<CapacitySample> Samples, double? AdmissionWaitP99Ms);

    internal static async Task<Results<Created<EndpointStatus>, ValidationProblem, ProblemHttpResult>> AddAsync(
        EndpointRequest? request, IGrainFactory grains, EndpointBalancer balancer)
    {
        if (request is null)
        {
            return ApiProblems.BadRequest("Send a JSON body {name, url, model, maxGenerations, maxSessions?, apiKey?, healthUrl?}.");
        }

        var errors = request.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var endpoint = request.ToEndpoint();
        if (await Registry(grains).AddAsync(endpoint) == EndpointChange.DuplicateName)
        {
            return ApiProblems.Conflict("Duplicate endpoint", $"An endpoint named '{endpoint.Name}' exists.");
        }

        var status = await RefreshAsync(grains, balancer, endpoint.Name);
        return TypedResults.Created($"{ScribeApi.Prefix}/endpoints/{Uri.EscapeDataString(endpoint.Name)}", status!);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RemoveAsync(string name, IGrainFactory grains, EndpointBalancer balancer)
    {
        if (await Registry(grains).RemoveAsync(name) != EndpointChange.Done)
        {
            return ApiProblems.UnknownEndpoint(name);
        }

        await RefreshAsync(grains, balancer, name);
        return TypedResults.NoContent();
    }

    internal static Task<Results<Ok<EndpointStatus?>, ProblemHttpResult>> DrainAsync(string name, IGrainFactory grains, EndpointBalancer balancer) =>
        ChangeAsync(name, grains, balancer, r => r.DrainAsync(name));

    internal static Task<Results<Ok<EndpointStatus?>, ProblemHttpResult>> UndrainAsync(string name, IGrainFactory grains, EndpointBalancer balancer) =>
        ChangeAsync(name, grains, balancer, r => r.UndrainAsync(name));

    private static async Task<Results<Ok<EndpointStatus?>, ProblemHttpResult>> ChangeAsync(
        string name, IGrainFactory grains, EndpointBalancer balancer, Func<IEndpointRegistryGrain, Task<EndpointChange>> change)
    {
        if (await change(Registry(grains)) != EndpointChange.Done)
        {
            return ApiProblems.UnknownEndpoint(name);
        }

        return TypedResults.Ok<EndpointStatus?>(await RefreshAsync(grains, balancer, name));
    }

    /// <summary>Hands the new snapshot to this silo's balancer now rather than at the next tick.</summary>
    private static async Task<EndpointStatus?> RefreshAsync(IGrainFactory grains, EndpointBalancer balancer, string name)
    {
        var snapshot = await Registry(grains).GetSnapshotAsync();
        balancer.Apply(snapshot);
        return snapshot.Endpoints.Select(e => e.Status).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    private static IEndpointRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<IEndpointRegistryGrain>(IEndpointRegistryGrain.Key);

    /// <summary>The body of <c>POST /api/endpoints</c>.</summary>
    /// <param name="MaxSessions">Optional socket cap; a request with only this (older clients) runs as many generations.</param>
    public sealed record EndpointRequest(string? Name, string? Url, string? Model, int? MaxSessions, string? ApiKey, string? HealthUrl, int? MaxGenerations = null)
    {
        public Dictionary<string, string[]> Validate()
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(Name) || !EndpointName().IsMatch(Name))
            {
                errors["name"] = ["Required: 1 to 64 letters, digits, '.', '_' or '-'."];
            }

            if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
            {
                errors["url"] = ["Required: the ws:// or wss:// URL of the server's /v1/realtime."];
            }

            if (string.IsNullOrWhiteSpace(Model))
            {
                errors["model"] = ["Required: the model the server serves."];
            }

            if (MaxGenerations is not null and not (>= 1 and <= 100_000) || MaxGenerations is null && MaxSessions is null)
            {
                errors["maxGenerations"] = ["Required: how many generations it runs at once (its --max-num-seqs), 1 to 100000."];
            }

            if (MaxSessions is not null and not (>= 1 and <= 100_000))
            {
                errors["maxSessions"] = ["When given: how many realtime sockets it accepts, 1 to 100000."];
            }

            if (!string.IsNullOrEmpty(HealthUrl) && (!Uri.TryCreate(HealthUrl, UriKind.Absolute, out var health) || health.Scheme is not ("http" or "https")))
            {
                errors["healthUrl"] = ["When given: the http(s) base of /health and /metrics."];
            }

            return errors;
        }

        public InferenceEndpoint ToEndpoint() => new(
            Name!.Trim(), new Uri(Url!), Model!.Trim(), MaxSessions ?? InferenceEndpoint.NoSessionCap,
            string.IsNullOrEmpty(ApiKey) ? null : ApiKey,
            string.IsNullOrEmpty(HealthUrl) ? null : new Uri(HealthUrl),
            MaxGenerations ?? MaxSessions!.Value);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex EndpointName();
}
