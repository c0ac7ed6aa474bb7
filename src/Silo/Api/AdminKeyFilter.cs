using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Api;

/// <summary>
/// Lets a request through only with <c>Authorization: Bearer {Admin:ApiKey}</c>. A browser's EventSource cannot
/// send that header, so a GET of a live stream (a path ending in <c>/stream</c>) may carry the key as
/// <c>?access_token=</c> instead; no other route accepts the key in the query.
/// </summary>
public sealed class AdminKeyFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    public const string AccessTokenParameter = "access_token";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.ApiKey);

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsAuthorized(context.HttpContext.Request)
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.Problem(
                title: "Unauthorized", detail: "Send Authorization: Bearer <Admin:ApiKey>.", statusCode: StatusCodes.Status401Unauthorized));

    /// <summary>True when the request carries the admin key as a bearer token (or, for a stream GET, as <c>access_token</c>).</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        if (Matches(BearerOf(request)))
        {
            return true;
        }

        return HttpMethods.IsGet(request.Method)
            && request.Path.Value is { } path
            && path.EndsWith("/stream", StringComparison.Ordinal)
            && request.Query.TryGetValue(AccessTokenParameter, out var token)
            && token.Count == 1
            && Matches(token[0]);
    }

    /// <summary>Compares in constant time (for equal lengths) with the configured key.</summary>
    public bool Matches(string? presented) =>
        !string.IsNullOrEmpty(presented) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _key);

    private static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }
}
