namespace Scribe.Silo.Api;

/// <summary>
/// The one gate of the <c>/api</c> group: 401 without a known credential, 403 when the caller lacks the scope the
/// route declares (<see cref="RequiredScope"/>), or when a caller held to one room (a viewer token) asks for another
/// room or for a route a viewer may not read (<see cref="ViewerRoute"/>). A route that declares no scope is refused:
/// forgetting one must not open it. A route's room name is checked (<see cref="RoomName"/>) before any handler sees it,
/// and no answer of the API is kept by a cache.
/// </summary>
public sealed class ApiAuthFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        // Transcripts, keys' scopes, room details: nothing here is for a shared cache or the browser's disk.
        http.Response.Headers.CacheControl = "no-store";
        var caller = ApiCaller.Of(http);
        if (ReferenceEquals(caller, ApiCaller.Anonymous))
        {
            return Refuse(StatusCodes.Status401Unauthorized, "Unauthorized", "Send Authorization: Bearer <API key or viewer token>.");
        }

        var metadata = http.GetEndpoint()?.Metadata;
        var room = http.Request.RouteValues["room"] as string;
        var required = metadata?.GetMetadata<RequiredScope>();
        if (required is null)
        {
            return Refuse(StatusCodes.Status403Forbidden, "Forbidden", "This route declares no scope, so no one may call it.");
        }

        if (required == RequiredScope.AnyCaller)
        {
            return next(context);
        }

        if (caller.Room is not null)
        {
            // A viewer token: its room's viewer routes only, whatever scope they declare for keys.
            if (metadata?.GetMetadata<ViewerRoute>() is null)
            {
                return Refuse(StatusCodes.Status403Forbidden, "Forbidden", "A viewer token reads its room's transcript, its stream and its transcription status, nothing else.");
            }

            if (!caller.MayAccessRoom(room))
            {
                return Refuse(StatusCodes.Status403Forbidden, "Forbidden", "This token opens another room.");
            }
        }
        else if (!caller.Holds(required.Scope))
        {
            return Refuse(StatusCodes.Status403Forbidden, "Forbidden", $"This route needs the scope '{required.Scope}', which the key '{caller.Name}' does not hold.");
        }

        if (room is not null && RoomName.Problem(room) is { } problem)
        {
            return ValueTask.FromResult<object?>(ApiProblems.BadRequest(problem));
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

/// <summary>
/// Endpoint metadata: a route of one room that a viewer token of that room may read (the transcript, its stream,
/// the transcription status), and that a page of an origin in <c>Api:AllowedOrigins</c> may call.
/// </summary>
public sealed class ViewerRoute
{
    public static ViewerRoute Instance { get; } = new();
}

/// <summary>Endpoint metadata: a route that takes its credential as <c>?access_token=</c> (a browser's EventSource sends no header).</summary>
public sealed class QueryCredential
{
    public static QueryCredential Instance { get; } = new();
}

/// <summary>How a route declares who may call it: <c>api.MapGet("/rooms", ListAsync).RequireScope(ApiScope.TranscriptsRead)</c>.</summary>
public static class ApiScopeExtensions
{
    /// <summary>The CORS policy of the viewer routes: the origins of <c>Api:AllowedOrigins</c>, GET only.</summary>
    public const string ViewerCorsPolicy = "scribe-viewer";

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

    /// <summary>Lets a viewer token of the route's room read it, and the configured origins call it from a browser.</summary>
    public static TBuilder AllowViewer<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ViewerRoute.Instance).RequireCors(ViewerCorsPolicy);

    /// <summary>Lets the route take its credential from <c>?access_token=</c> as well as from the header.</summary>
    public static TBuilder AcceptQueryCredential<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(QueryCredential.Instance);
}
