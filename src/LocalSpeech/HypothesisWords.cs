namespace Scribe.LocalSpeech;

/// <summary>Turns a PocketSphinx hypothesis into words a transcript can show.</summary>
internal static class HypothesisWords
{
    /// <summary>Splits on spaces, dropping fillers (<c>&lt;sil&gt;</c>, <c>[NOISE]</c>) and pronunciation variants (<c>word(2)</c>).</summary>
    public static IReadOnlyList<string> Split(string? hypothesis)
    {
        if (string.IsNullOrWhiteSpace(hypothesis))
        {
            return [];
        }

        var words = new List<string>();
        foreach (var token in hypothesis.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (token[0] is '<' or '[' or '+')
            {
                continue;
            }

            var variant = token.IndexOf('(', StringComparison.Ordinal);
            words.Add(variant > 0 ? token[..variant] : token);
        }

        return words;
    }

    public static string Join(string? hypothesis) => string.Join(' ', Split(hypothesis));
}
