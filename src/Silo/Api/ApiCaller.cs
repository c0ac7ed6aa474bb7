using System.Reflection;

namespace Scribe.Silo.Api;

/// <summary>
/// Who is calling an <c>/api</c> route: the name of the key it presented (or <c>viewer</c> for a viewer token), the
/// scopes it holds, and for a viewer token the one room it may read. A handler takes it as a
/// parameter (<see cref="BindAsync"/>) or calls <see cref="Of"/>; it is kept in <see cref="HttpContext.Items"/>.
/// </summary>
/// <param name="ExpiresAt">When the credential lapses (a viewer token's expiry); null for a key.</param>
public sealed record ApiCaller(string Name, IReadOnlySet<string> Scopes, string? Room = null, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>The caller of the admin key (<c>Admin:ApiKey</c>), which holds every scope.</summary>
    public const string AdminName = "admin";

    /// <summary>The name a viewer token's caller goes by.</summary>
    public const string ViewerName = "viewer";

    private static readonly object ItemKey = new();

    public bool Holds(string scope) => Scopes.Contains(scope);

    /// <summary>True unless the caller is held to one room and <paramref name="room"/> is another (or none).</summary>
    public bool MayAccessRoom(string? room) => Room is null || string.Equals(Room, room, StringComparison.Ordinal);

    /// <summary>
    /// The caller of a request, authenticated once per request. Parameters are bound before endpoint filters run, so
    /// a handler's <c>ApiCaller</c> parameter may be asked for before the auth filter has seen the request: a request
    /// without a known credential binds as <see cref="Anonymous"/> (no scopes), which the filter then answers with 401.
    /// </summary>
    public static ApiCaller Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items[ItemKey] is not ApiCaller caller)
        {
            caller = http.RequestServices.GetRequiredService<ApiCredentials>().Authenticate(http.Request) ?? Anonymous;
            http.Items[ItemKey] = caller;
        }

        return caller;
    }

    /// <summary>A request without a known credential: holds no scope.</summary>
    public static ApiCaller Anonymous { get; } = new("", new HashSet<string>());

    /// <summary>Lets a minimal API handler declare <c>ApiCaller caller</c> as a parameter.</summary>
    public static ValueTask<ApiCaller?> BindAsync(HttpContext http, ParameterInfo parameter) => ValueTask.FromResult<ApiCaller?>(Of(http));
}
