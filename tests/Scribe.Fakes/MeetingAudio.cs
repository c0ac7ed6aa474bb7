using Scribe.Fakes.LiveKit;

namespace Scribe.Fakes;

/// <summary>
/// Lays out a meeting's turns on each speaker's own track, as microphones hear a meeting: a speaker's track is
/// silent while the others talk. All tracks are 48 kHz stereo s16le (egress format) and of equal length.
/// </summary>
public sealed class MeetingAudio
{
    public MeetingAudio(IReadOnlyList<(string Speaker, byte[] Pcm48kStereo)> turns, int gapMs = 1_300, int leadMs = 600)
    {
        var cursorMs = leadMs;
        var starts = new List<int>();
        foreach (var (_, pcm) in turns)
        {
            starts.Add(cursorMs);
            cursorMs += pcm.Length / EgressSimulator.BytesPerMs + gapMs;
        }

        var length = (cursorMs + gapMs) * EgressSimulator.BytesPerMs;
        Tracks = turns.Select(t => t.Speaker).Distinct().ToDictionary(s => s, _ => new byte[length]);
        for (var i = 0; i < turns.Count; i++)
        {
            turns[i].Pcm48kStereo.CopyTo(Tracks[turns[i].Speaker].AsSpan(starts[i] * EgressSimulator.BytesPerMs));
        }

        StartMs = starts;
        DurationMs = length / EgressSimulator.BytesPerMs;
    }

    /// <summary>Each speaker's egress-format audio.</summary>
    public IReadOnlyDictionary<string, byte[]> Tracks { get; }

    /// <summary>When each turn starts, in ms from the start of the tracks.</summary>
    public IReadOnlyList<int> StartMs { get; }

    public int DurationMs { get; }
}
