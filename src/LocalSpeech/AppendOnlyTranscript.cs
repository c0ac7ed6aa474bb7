namespace Scribe.LocalSpeech;

/// <summary>
/// One generation's text as vLLM delivers it: deltas are append-only and <c>done.text</c> is exactly their
/// concatenation, so a client that shows only the joined deltas shows the final text. During the generation
/// a word goes out once PocketSphinx has held it long enough (<see cref="StableWordPrefix"/>). At the end the
/// final hypothesis is aligned against the words already sent (the prefix of it closest in edit distance to
/// them; on a tie the longer, so a misheard word is replaced rather than repeated), and only its words after
/// that point are added. Words sent are never taken back: where the final hypothesis disagrees with them, the
/// done text keeps what was sent.
/// </summary>
internal sealed class AppendOnlyTranscript(long stabilitySamples, int trailingWords = 1)
{
    private readonly StableWordPrefix _stable = new(stabilitySamples, trailingWords);

    /// <summary>Words sent so far, in order.</summary>
    public IReadOnlyList<string> Sent => _stable.Sent;

    /// <summary>Takes a partial hypothesis at <paramref name="position"/> (samples into the utterance); returns the delta to send, or null.</summary>
    public string? Observe(IReadOnlyList<string> partialWords, long position) => _stable.Observe(partialWords, position);

    /// <summary>The last delta (null when nothing is left to add) and the done text, which is all deltas joined.</summary>
    public (string? Delta, string Text) Finish(IReadOnlyList<string> finalWords)
    {
        var sent = _stable.Sent;
        var tail = finalWords.Skip(AlignedEnd(sent, finalWords)).ToList();
        var text = string.Join(' ', sent.Concat(tail));
        if (tail.Count == 0)
        {
            return (null, text);
        }

        return ((sent.Count == 0 ? string.Empty : " ") + string.Join(' ', tail), text);
    }

    /// <summary>How many words of <paramref name="final"/> the <paramref name="sent"/> words stand for.</summary>
    internal static int AlignedEnd(IReadOnlyList<string> sent, IReadOnlyList<string> final)
    {
        if (sent.Count == 0)
        {
            return 0;
        }

        // Edit distance of all sent words against every prefix of the final words, one row at a time.
        var row = new int[final.Count + 1];
        for (var j = 0; j <= final.Count; j++)
        {
            row[j] = j;
        }

        for (var i = 1; i <= sent.Count; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= final.Count; j++)
            {
                var above = row[j];
                var substitution = diagonal + (string.Equals(sent[i - 1], final[j - 1], StringComparison.Ordinal) ? 0 : 1);
                row[j] = Math.Min(substitution, Math.Min(above + 1, row[j - 1] + 1));
                diagonal = above;
            }
        }

        var best = 0;
        for (var j = 1; j <= final.Count; j++)
        {
            if (row[j] <= row[best])
            {
                best = j;
            }
        }

        return best;
    }
}
