using System.Text;

namespace Scribe.Fakes.Speech;

/// <summary>
/// Word error rate: (substitutions + deletions + insertions) / reference words, after lowercasing and
/// stripping punctuation, with the edit distance taken over words.
/// </summary>
public static class WordErrorRate
{
    /// <summary>Lowercase words with punctuation removed ("Don't stop!" → ["dont", "stop"]).</summary>
    public static IReadOnlyList<string> Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var kept = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || char.IsWhiteSpace(c))
            {
                kept.Append(c);
            }
            else if (c is '-' or '/')
            {
                // Joined words count as two ("follow-up" → "follow up"); other punctuation just vanishes.
                kept.Append(' ');
            }
        }

        return kept.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Levenshtein distance over words: the fewest substitutions, deletions and insertions.</summary>
    public static int Distance(IReadOnlyList<string> reference, IReadOnlyList<string> hypothesis)
    {
        var previous = new int[hypothesis.Count + 1];
        var current = new int[hypothesis.Count + 1];
        for (var j = 0; j <= hypothesis.Count; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= reference.Count; i++)
        {
            current[0] = i;
            for (var j = 1; j <= hypothesis.Count; j++)
            {
                var substitution = previous[j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[hypothesis.Count];
    }

    /// <summary>WER of one hypothesis; an empty reference scores 0 against an empty hypothesis, else 1.</summary>
    public static double Compute(string reference, string? hypothesis)
    {
        var referenceWords = Normalize(reference);
        var hypothesisWords = Normalize(hypothesis);
        if (referenceWords.Count == 0)
        {
            return hypothesisWords.Count == 0 ? 0 : 1;
        }

        return (double)Distance(referenceWords, hypothesisWords) / referenceWords.Count;
    }

    /// <summary>Corpus WER: all edits over all reference words (not the mean of sentence rates).</summary>
    public static double Corpus(IEnumerable<(string Reference, string? Hypothesis)> pairs)
    {
        long edits = 0;
        long words = 0;
        foreach (var (reference, hypothesis) in pairs)
        {
            var referenceWords = Normalize(reference);
            edits += Distance(referenceWords, Normalize(hypothesis));
            words += referenceWords.Count;
        }

        return words == 0 ? 0 : (double)edits / words;
    }
}
