namespace Scribe.Silo.Api;

/// <summary>
/// The one gate of the <c>/api</c> group: 401 without a known credential, 403 when the caller lacks the scope the
/// route declares (<see cref="RequiredScope"/>), or when a caller held to one room asks for another room or for a
/// route of no room. A route that declares no scope is refused: forgetting one must not open it.
/// </summary>
public sealed class ApiAuthFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var caller = ApiCaller.Of(http);
        if (ReferenceEquals(caller, ApiCaller.Anonymous))
        {
            return Refuse(StatusCodes.Status401Unauthorized, "Unauthorized", "Send Authorization: Bearer <API key or viewer token>.");
        }

        var required = http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>();
        if (required is null || (required != RequiredScope.AnyCaller && !caller.Holds(required.Scope)))
        {
            return Refuse(StatusCodes.Status403Forbidden, "Forbidden", $"This route needs the scope '{required?.Scope ?? "(none declared)"}', which the key '{caller.Name}' does not hold.");
        }

        if (required != RequiredScope.AnyCaller && !caller.MayAccessRoom(http.Request.RouteValues["room"] as string))
        {
            return Refuse(StatusCodes.Status403Forbidden, "Forbidden", "This token opens another room.");
        }

        return next(context);
    }

    private static ValueTask<object?> Refuse(int status, string title, string detail) =>
        ValueTask.FromResult<object?>(TypedResults.Problem(title: title, detail: detail, statusCode: status));
}

/// <summary>Endpoint metadata: the scope a route needs.</summary>
public sealed record RequiredScope(string Scope)
{
    /// <summary>Any authenticated caller, whatever it holds (<c>GET /api/me</c>).</summary>
    public static RequiredScope AnyCaller { get; } = new("*");
}

/// <summary>How a route declares its scope: <c>api.MapGet("/rooms", ListAsync).RequireScope(ApiScope.TranscriptsRead)</c>.</summary>
public static class ApiScopeExtensions
{
    /// <summary>Declares the scope a caller needs for this route (checked by <see cref="ApiAuthFilter"/>).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        if (!ApiScope.IsKnown(scope))
        {
            throw new ArgumentException($"Unknown scope '{scope}'.", nameof(scope));
        }

        return builder.WithMetadata(new RequiredScope(scope));
    }
}
