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
    public const int MinimumKeyLength = 16;

    /// <summary><c>Api:Keys:N:{Name, Key, Scopes}</c>.</summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>How long a viewer token from <c>POST /api/rooms/{room}/viewer-token</c> is valid.</summary>
    [Range(1, 7 * 24 * 60, ErrorMessage = "Api:ViewerTokenMinutes must be 1 to 10080 minutes.")]
    public int ViewerTokenMinutes { get; set; } = 60;

    public TimeSpan ViewerTokenLifetime => TimeSpan.FromMinutes(ViewerTokenMinutes);

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

            if (string.IsNullOrEmpty(key.Key) || key.Key.Length < MinimumKeyLength)
            {
                yield return new ValidationResult($"{at}:Key must be at least {MinimumKeyLength} characters.");
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
    }
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
