namespace Scribe.Tests.Cluster;

/// <summary>One speaker of a live meeting: a track of tone-speech sentences with pauses, and where each sentence lies in it.</summary>
public sealed class LiveSpeaker
{
    private readonly List<(string Text, int StartMs, int EndMs)> _layout = [];

    /// <summary>
    /// Lays <paramref name="sentences"/> on one track: lead silence (time for the first egress to join the live track,
    /// even on a loaded machine), then each sentence followed by a pause.
    /// </summary>
    public LiveSpeaker(string room, string identity, IReadOnlyList<string> sentences, int leadMs = 2_000, int gapMs = 900)
    {
        Room = room;
        Identity = identity;
        var audio = sentences.Select(Meeting.Speech).ToList();
        var cursor = leadMs;
        foreach (var (sentence, pcm) in sentences.Zip(audio))
        {
            _layout.Add((sentence, cursor, cursor + pcm.Length / EgressSimulator.BytesPerMs));
            cursor += pcm.Length / EgressSimulator.BytesPerMs + gapMs;
        }

        Pcm = new byte[(cursor + gapMs) * EgressSimulator.BytesPerMs];
        for (var i = 0; i < audio.Count; i++)
        {
            audio[i].CopyTo(Pcm.AsSpan(_layout[i].StartMs * EgressSimulator.BytesPerMs));
        }
    }

    /// <summary>Every identity in every room, each with its own run of 14 seeded sentences.</summary>
    public static IReadOnlyList<LiveSpeaker> Rooms(IReadOnlyList<string> rooms, IReadOnlyList<string> identities, int seed)
    {
        const int perSpeaker = 14;
        var sentences = ToneSpeech.RandomSentences(rooms.Count * identities.Count * perSpeaker, seed);
        return [.. rooms.SelectMany(room => identities.Select(identity => (room, identity)))
            .Select((s, i) => new LiveSpeaker(s.room, s.identity, [.. sentences.Skip(i * perSpeaker).Take(perSpeaker)]))];
    }

    public string Room { get; }

    public string Identity { get; }

    public string TrackSid => $"TR_{Room}_{Identity}";

    /// <summary>The track in egress format (48 kHz stereo s16le).</summary>
    public byte[] Pcm { get; }

    public IReadOnlyList<string> Sentences => [.. _layout.Select(l => l.Text)];

    /// <summary>The sentences that lie wholly after <paramref name="mediaTime"/> on the track.</summary>
    public IReadOnlyList<string> SentencesAfter(TimeSpan mediaTime) =>
        [.. _layout.Where(l => l.StartMs >= mediaTime.TotalMilliseconds).Select(l => l.Text)];

    /// <summary>The sentences that lie wholly between <paramref name="from"/> and <paramref name="to"/> on the track.</summary>
    public IReadOnlyList<string> SentencesBetween(TimeSpan from, TimeSpan to) =>
        [.. _layout.Where(l => l.StartMs >= from.TotalMilliseconds && l.EndMs <= to.TotalMilliseconds).Select(l => l.Text)];

    public override string ToString() => $"{Room}/{Identity}";
}
