namespace Scribe.Silo.Hosting;

/// <summary>
/// What every API key must be, the admin key included: at least <see cref="MinimumLength"/> characters, no spaces or
/// control characters (a bearer token has none, and a key of spaces is no secret), and unlike every other key of the
/// cluster (a key shared by two holders would give one the other's scopes).
/// </summary>
public static class ApiKeyRule
{
    public const int MinimumLength = 16;

    public static bool IsAcceptable(string? key) =>
        key is { Length: >= MinimumLength } && !key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>The one message for a key that breaks the rule, naming its setting.</summary>
    public static string Requirement(string setting) =>
        $"{setting} must be at least {MinimumLength} characters, without spaces or control characters.";

    /// <exception cref="InvalidConfigurationException">Two settings hold the same key; names the second.</exception>
    public static void RefuseReuse(AdminOptions admin, ApiOptions api)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(api);
        var holders = new Dictionary<string, string>(StringComparer.Ordinal) { [admin.ApiKey] = $"{AdminOptions.Section}:ApiKey" };
        for (var n = 0; n < api.Keys.Count; n++)
        {
            var setting = $"{ApiOptions.Section}:Keys:{n}";
            if (!holders.TryAdd(api.Keys[n].Key, setting))
            {
                throw new InvalidConfigurationException(
                    $"{setting}:Key is the key of {holders[api.Keys[n].Key]}: every key must be different.");
            }
        }
    }
}
