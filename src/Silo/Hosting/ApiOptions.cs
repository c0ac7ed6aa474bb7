using System.ComponentModel.DataAnnotations;
using Scribe.Silo.Api;

namespace Scribe.Silo.Hosting;

/// <summary>
/// Named API keys with their scopes, and the lifetime of viewer tokens (configuration section <c>Api</c>).
/// <c>Admin:ApiKey</c> stays the key that holds every scope.
/// </summary>
public sealed class ApiOptions : IValidatableObject
{
    public const string Section = "Api";
    /// <summary><c>Api:Keys:N:{Name, Key, Scopes}</c>.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>How long a viewer token from <c>POST /api/rooms/{room}/viewer-token</c> is valid.</summary>
    [Range(1, 7 * 24 * 60, ErrorMessage = "Api:ViewerTokenMinutes must be 1 to 10080 minutes.")]
    public int ViewerTokenMinutes { get; set; } = 60;

    public TimeSpan ViewerTokenLifetime => TimeSpan.FromMinutes(ViewerTokenMinutes);

    /// <summary>
    /// Origins (<c>https://meet.example</c>) whose pages may call the routes a viewer token reads (transcript, its
    /// stream, the transcription status) from the browser; no other route answers another origin.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ApiCaller.AdminName, ApiCaller.ViewerName };
        for (var n = 0; n < Keys.Count; n++)
        {
            var key = Keys[n];
            var at = $"{Section}:Keys:{n}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                yield return new ValidationResult($"{at}:Name is required.");
            }
            else if (!names.Add(key.Name))
            {
                yield return new ValidationResult($"{at}:Name '{key.Name}' is used twice (or is reserved: admin, viewer).");
            }

            if (!ApiKeyRule.IsAcceptable(key.Key))
            {
                yield return new ValidationResult(ApiKeyRule.Requirement($"{at}:Key"));
            }

            var scopes = key.ScopeList();
            if (scopes.Count == 0)
            {
                yield return new ValidationResult($"{at}:Scopes names no scope; use some of: {string.Join(' ', ApiScope.All)}.");
            }

            foreach (var scope in scopes.Where(s => !ApiScope.IsKnown(s)))
            {
                yield return new ValidationResult($"{at}:Scopes: unknown scope '{scope}'; known: {string.Join(' ', ApiScope.All)}.");
            }
        }

        for (var n = 0; n < AllowedOrigins.Count; n++)
        {
            if (!IsOrigin(AllowedOrigins[n]))
            {
                yield return new ValidationResult(
                    $"{Section}:AllowedOrigins:{n} must be an origin such as https://meet.example (scheme, host and port only), not '{AllowedOrigins[n]}'.");
            }
        }
    }

    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && !value.EndsWith('/') && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0;
}

/// <summary>One named API key.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Who holds the key; handlers see it as the caller's name (never the key).</summary>
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";

    /// <summary>Scopes separated by spaces or commas, e.g. <c>"transcription transcripts:read"</c>.</summary>
    public string Scopes { get; set; } = "";

    public IReadOnlyList<string> ScopeList() => Scopes.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
