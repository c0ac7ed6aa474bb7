using System.Text.RegularExpressions;

namespace Scribe.Silo.Api;

/// <summary>A short BCP 47-like language tag: a 2–3 letter language, then up to three 2–8 character subtags (<c>fr</c>, <c>pt-BR</c>, <c>zh-Hant-TW</c>).</summary>
internal static partial class LanguageTag
{
    public static bool IsValid(string? tag) => tag is { Length: <= 35 } && Pattern().IsMatch(tag);

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
