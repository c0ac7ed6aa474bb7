namespace Scribe.Tests.Infrastructure;

/// <summary>A scripted meeting in tone speech, with the transcript the room should end with.</summary>
public sealed class Meeting
{
    public Meeting(IReadOnlyList<(string Speaker, string Sentence)> turns, int gapMs = 1_300, int leadMs = 600)
    {
        Turns = turns;
        Audio = new MeetingAudio([.. turns.Select(t => (t.Speaker, Speech(t.Sentence)))], gapMs, leadMs);
    }

    public IReadOnlyList<(string Speaker, string Sentence)> Turns { get; }

    public MeetingAudio Audio { get; }

    public IReadOnlyDictionary<string, byte[]> Tracks => Audio.Tracks;

    /// <summary>One sentence of tone speech in egress format, cut to its spoken length (no lead or trailing silence).</summary>
    public static byte[] Speech(string sentence) => ToneSpeech.SynthesizeEgress([sentence], leadingSilenceMs: 0)[..(DurationMs(sentence) * EgressSimulator.BytesPerMs)];

    /// <summary>Egress-format silence.</summary>
    public static byte[] Silence(int ms) => new byte[ms * EgressSimulator.BytesPerMs];

    public static int DurationMs(string sentence)
    {
        var words = sentence.Split(' ');
        return words.Sum(w => int.Parse(w[1..], System.Globalization.CultureInfo.InvariantCulture) * 10) + (words.Length - 1) * ToneSpeech.WordGapMs;
    }
}
