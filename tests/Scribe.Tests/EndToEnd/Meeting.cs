using Scribe.Fakes;

namespace Scribe.Tests.EndToEnd;

/// <summary>A scripted meeting in tone speech, with the transcript the room should end with.</summary>
public sealed class Meeting
{
    public Meeting(IReadOnlyList<(string Speaker, string Sentence)> turns, int gapMs = 1_300, int leadMs = 600)
    {
        Turns = turns;
        Audio = new MeetingAudio([.. turns.Select(t => (t.Speaker, ToneSpeech.SynthesizeEgress([t.Sentence], leadingSilenceMs: 0)[..(DurationMs(t.Sentence) * 48 * 4)]))], gapMs, leadMs);
    }

    public IReadOnlyList<(string Speaker, string Sentence)> Turns { get; }

    public MeetingAudio Audio { get; }

    public IReadOnlyDictionary<string, byte[]> Tracks => Audio.Tracks;

    public static int DurationMs(string sentence)
    {
        var words = sentence.Split(' ');
        return words.Sum(w => int.Parse(w[1..], System.Globalization.CultureInfo.InvariantCulture) * 10) + (words.Length - 1) * ToneSpeech.WordGapMs;
    }
}
