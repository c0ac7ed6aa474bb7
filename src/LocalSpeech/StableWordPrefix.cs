namespace Scribe.LocalSpeech;

/// <summary>
/// Decides which words of PocketSphinx's partial hypotheses may go out as deltas. Partials get rewritten
/// ("to help he" becomes "to the whole game"), and deltas can never be taken back, so a word is sent only
/// once the prefix ending with it has stayed unchanged for a stretch of audio and at least
/// <c>trailingWords</c> words follow it (the last words may still be growing, and the words after a word are
/// what confirms it). Words already sent are never contradicted: when the hypothesis no longer
/// starts with them, nothing more is sent until it does again (the done text settles the difference).
/// </summary>
internal sealed class StableWordPrefix(long stabilitySamples, int trailingWords = 1)
{
    private readonly List<string> _words = [];
    private readonly List<long> _unchangedSince = [];
    private readonly List<string> _sent = [];

    public IReadOnlyList<string> Sent => _sent;

    /// <summary>Takes the partial at <paramref name="position"/> (samples into the utterance); returns the delta to send, or null.</summary>
    public string? Observe(IReadOnlyList<string> words, long position)
    {
        var common = 0;
        while (common < words.Count && common < _words.Count && string.Equals(words[common], _words[common], StringComparison.Ordinal))
        {
            common++;
        }

        _words.RemoveRange(common, _words.Count - common);
        _unchangedSince.RemoveRange(common, _unchangedSince.Count - common);
        for (var i = common; i < words.Count; i++)
        {
            _words.Add(words[i]);
            _unchangedSince.Add(position);
        }

        var stable = 0;
        while (stable < _words.Count - trailingWords && position - _unchangedSince[stable] >= stabilitySamples)
        {
            stable++;
        }

        if (stable <= _sent.Count)
        {
            return null;
        }

        for (var i = 0; i < _sent.Count; i++)
        {
            if (!string.Equals(_words[i], _sent[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        var fresh = _words.GetRange(_sent.Count, stable - _sent.Count);
        var delta = (_sent.Count == 0 ? string.Empty : " ") + string.Join(' ', fresh);
        _sent.AddRange(fresh);
        return delta;
    }
}
