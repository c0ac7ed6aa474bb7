using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Scribe.Silo.Hosting;

namespace Scribe.Silo.Api;

/// <summary>
/// Tells who presents a request: the admin key (every scope), a named key of <c>Api:Keys</c> (its scopes), or a
/// viewer token (transcripts:read, one room, until it expires). The credential travels as
/// <c>Authorization: Bearer</c>; a browser's EventSource cannot send that header, so a route that declares
/// <see cref="QueryCredential"/> (the live stream) also takes it as <c>?access_token=</c>; no other route does.
/// The keys follow a configuration reload (a reload that breaks a rule is refused and logged, and the keys in force
/// stay); <see cref="KeysReloaded"/> tells open streams to check their key again.
/// </summary>
public sealed partial class ApiCredentials : IDisposable
{
    public const string AccessTokenParameter = "access_token";

    private readonly ViewerToken _viewerTokens;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDisposable? _reloads;
    private volatile IReadOnlyList<(byte[] Digest, ApiCaller Caller)> _keys;

    public ApiCredentials(
        IOptions<AdminOptions> admin, IOptions<ApiOptions> api, ViewerToken viewerTokens, TimeProvider time,
        IConfiguration? configuration = null, ILogger<ApiCredentials>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(api);
        _keys = KeysOf(admin.Value, api.Value);
        _viewerTokens = viewerTokens;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (configuration is not null)
        {
            _reloads = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload(configuration));
        }
    }

    /// <summary>Raised after a configuration reload changed the keys in force.</summary>
    public event Action? KeysReloaded;

    /// <returns>The caller, or null when the request carries no credential this cluster knows.</returns>
    public ApiCaller? Authenticate(HttpRequest request) => Resolve(Presented(request));

    /// <summary>The credential a request presents: its bearer token, or on a <see cref="QueryCredential"/> route its <c>?access_token=</c>.</summary>
    public static string? Presented(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (BearerOf(request) is { } bearer)
        {
            return bearer;
        }

        return HttpMethods.IsGet(request.Method)
            && request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<QueryCredential>() is not null
            && request.Query.TryGetValue(AccessTokenParameter, out var token)
            && token.Count == 1
                ? token[0]
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

        return _viewerTokens.Read(presented, _time.GetUtcNow()) is { } grant
            ? new ApiCaller(ApiCaller.ViewerName, new HashSet<string>(StringComparer.Ordinal) { ApiScope.TranscriptsRead }, grant.Room, grant.ExpiresAt)
            : null;
    }

    public void Dispose() => _reloads?.Dispose();

    private void Reload(IConfiguration configuration)
    {
        IReadOnlyList<(byte[] Digest, ApiCaller Caller)> keys;
        try
        {
            var admin = ValidatedOptions.Bind<AdminOptions>(configuration, AdminOptions.Section);
            var api = ValidatedOptions.Bind<ApiOptions>(configuration, ApiOptions.Section);
            ApiKeyRule.RefuseReuse(admin, api);
            keys = KeysOf(admin, api);
        }
        catch (InvalidConfigurationException e)
        {
            LogReloadRefused(_logger, e.Message);
            return;
        }

        if (!Same(keys, _keys))
        {
            _keys = keys;
            LogReloaded(_logger, keys.Count);
            KeysReloaded?.Invoke();
        }
    }

    private static IReadOnlyList<(byte[] Digest, ApiCaller Caller)> KeysOf(AdminOptions admin, ApiOptions api) =>
    [
        (Digest(admin.ApiKey), new ApiCaller(ApiCaller.AdminName, ApiScope.All.ToHashSet(StringComparer.Ordinal))),
        .. api.Keys.Select(k => (Digest(k.Key), new ApiCaller(k.Name, k.ScopeList().ToHashSet(StringComparer.Ordinal)))),
    ];

    private static bool Same(IReadOnlyList<(byte[] Digest, ApiCaller Caller)> a, IReadOnlyList<(byte[] Digest, ApiCaller Caller)> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Digest.AsSpan().SequenceEqual(p.Second.Digest)
            && p.First.Caller.Name == p.Second.Caller.Name && p.First.Caller.Scopes.SetEquals(p.Second.Caller.Scopes));

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string? BearerOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "API keys not reloaded, the keys in force stay: {Reason}")]
    private static partial void LogReloadRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "API keys reloaded: {Count} keys in force")]
    private static partial void LogReloaded(ILogger logger, int count);
}
