namespace Scribe.Tests.Transcription;

/// <summary>
/// Tone-speech scripts for several speakers who talk in lockstep: the same word lengths and pauses, different tones,
/// so one media position is in the same sentence (or pause) for all of them.
/// </summary>
internal sealed class ScriptedSpeakers
{
    public const int LeadingSilenceMs = 500;

    private readonly IReadOnlyList<string> _template;

    public ScriptedSpeakers(int sentences, int seed)
    {
        // Five words of 200–300 ms: long enough sentences that a test can act in the middle of one.
        var random = new Random(seed);
        _template = [.. Enumerable.Range(0, sentences).Select(_ => string.Join(' ', Enumerable.Range(0, 5)
            .Select(_ => $"{ToneSpeech.Letters[random.Next(ToneSpeech.Letters.Length)]}{random.Next(20, 31)}")))];
        var start = LeadingSilenceMs;
        var starts = new List<(int, int)>();
        foreach (var sentence in _template)
        {
            var words = sentence.Split(' ');
            var length = words.Sum(w => int.Parse(w[1..], System.Globalization.CultureInfo.InvariantCulture) * 10) + (words.Length - 1) * ToneSpeech.WordGapMs;
            starts.Add((start, start + length));
            start += length + ToneSpeech.SentenceGapMs;
        }

        Spans = starts;
    }

    /// <summary>Where each sentence starts and ends in the track, in ms.</summary>
    public IReadOnlyList<(int StartMs, int EndMs)> Spans { get; }

    /// <summary>Speaker <paramref name="voice"/>'s sentences: the template with every tone moved <paramref name="voice"/> letters on.</summary>
    public IReadOnlyList<string> SentencesOf(int voice) =>
        [.. _template.Select(s => string.Concat(s.Select(c => ToneSpeech.Letters.Contains(c)
            ? ToneSpeech.Letters[(ToneSpeech.Letters.IndexOf(c, StringComparison.Ordinal) + voice) % ToneSpeech.Letters.Length]
            : c)))];

    public byte[] EgressAudioOf(int voice) => ToneSpeech.SynthesizeEgress(SentencesOf(voice), LeadingSilenceMs);

    /// <summary>The first sentence that starts at or after <paramref name="ms"/>.</summary>
    public int FirstSentenceFrom(double ms) => Spans.Select((span, i) => (span, i)).First(x => x.span.StartMs >= ms).i;
}
