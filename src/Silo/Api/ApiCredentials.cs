using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Api;

/// <summary>
/// Tells who presents a request: the admin key (every scope), a named key of <c>Api:Keys</c> (its scopes), or a
/// viewer token (transcripts:read, one room). The credential travels as <c>Authorization: Bearer</c>; a browser's
/// EventSource cannot send that header, so a GET of a live stream (a path ending in <c>/stream</c>) may carry it as
/// <c>?access_token=</c> instead; no other route accepts a credential in the query.
/// </summary>
public sealed class ApiCredentials
{
    public const string AccessTokenParameter = "access_token";

    private readonly IReadOnlyList<(byte[] Digest, ApiCaller Caller)> _keys;
    private readonly ViewerToken _viewerTokens;
    private readonly TimeProvider _time;

    public ApiCredentials(IOptions<AdminOptions> admin, IOptions<ApiOptions> api, ViewerToken viewerTokens, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(api);
        _keys =
        [
            (Digest(admin.Value.ApiKey), new ApiCaller(ApiCaller.AdminName, ApiScope.All.ToHashSet(StringComparer.Ordinal))),
            .. api.Value.Keys.Select(k => (Digest(k.Key), new ApiCaller(k.Name, k.ScopeList().ToHashSet(StringComparer.Ordinal)))),
        ];
        _viewerTokens = viewerTokens;
        _time = time;
    }

    /// <returns>The caller, or null when the request carries no credential this cluster knows.</returns>
    public ApiCaller? Authenticate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (BearerOf(request) is { } bearer)
        {
            return Resolve(bearer);
        }

        return HttpMethods.IsGet(request.Method)
            && request.Path.Value is { } path
            && path.EndsWith("/stream", StringComparison.Ordinal)
            && request.Query.TryGetValue(AccessTokenParameter, out var token)
            && token.Count == 1
                ? Resolve(token[0])
                : null;
    }

    /// <summary>The caller a key or viewer token stands for. Keys are compared as SHA-256 digests in constant time, every key each time.</summary>
    public ApiCaller? Resolve(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        var digest = Digest(presented);
        ApiCaller? match = null;
        foreach (var (key, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, key))
            {
                match ??= caller;
            }
        }

        if (match is not null)
        {
            return match;
        }

        return _viewerTokens.RoomOf(presented, _time.GetUtcNow()) is { } room
            ? new ApiCaller(ApiCaller.ViewerName, new HashSet<string>(StringComparer.Ordinal) { ApiScope.TranscriptsRead }, room)
            : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }
}
