using Scribe.Fakes;

namespace Scribe.Tests.EndToEnd;

/// <summary>
/// A scripted meeting in tone speech: speakers take turns; each speaker's track is silent while others talk,
/// as each microphone is in a real meeting. Knows the transcript the room should end with.
/// </summary>
public sealed class Meeting
{
    private const int BytesPerMs = 48 * 4;

    public Meeting(IReadOnlyList<(string Speaker, string Sentence)> turns, int gapMs = 1_300, int leadMs = 600)
    {
        Turns = turns;
        var speakers = turns.Select(t => t.Speaker).Distinct().ToList();
        var cursorMs = leadMs;
        var starts = new List<int>();
        foreach (var (_, sentence) in turns)
        {
            starts.Add(cursorMs);
            cursorMs += DurationMs(sentence) + gapMs;
        }

        var totalBytes = (cursorMs + gapMs) * BytesPerMs;
        Tracks = speakers.ToDictionary(s => s, _ => new byte[totalBytes]);
        for (var i = 0; i < turns.Count; i++)
        {
            var audio = ToneSpeech.SynthesizeEgress([turns[i].Sentence], leadingSilenceMs: 0);
            var length = Math.Min(audio.Length - ToneSpeech.SentenceGapMs * BytesPerMs, totalBytes - starts[i] * BytesPerMs);
            audio.AsSpan(0, length).CopyTo(Tracks[turns[i].Speaker].AsSpan(starts[i] * BytesPerMs));
        }

        StartMs = starts;
    }

    public IReadOnlyList<(string Speaker, string Sentence)> Turns { get; }

    public IReadOnlyList<int> StartMs { get; }

    /// <summary>Each speaker's egress-format audio (48 kHz stereo s16le), all the same length.</summary>
    public IReadOnlyDictionary<string, byte[]> Tracks { get; }

    public static int DurationMs(string sentence)
    {
        var words = sentence.Split(' ');
        return words.Sum(w => int.Parse(w[1..], System.Globalization.CultureInfo.InvariantCulture) * 10) + (words.Length - 1) * ToneSpeech.WordGapMs;
    }
}
