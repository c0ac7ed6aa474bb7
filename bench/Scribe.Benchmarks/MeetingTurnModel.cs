namespace Scribe.Benchmarks;

/// <summary>One stretch of a speaker's speech: from its onset to its last voiced sample (seconds of meeting time).</summary>
internal sealed record Utterance(int Room, int Speaker, double Onset, double End);

/// <summary>
/// A turn-taking model of a meeting (the capacity simulation's input). One main speaker holds the floor at a time:
/// <list type="bullet">
/// <item>a turn lasts a log-normal time (median <see cref="TurnMedianS"/> s, σ 0.8, 2 to 120 s), made of
/// utterances (log-normal, median <see cref="UtteranceMedianS"/> s, σ 0.6, 0.6 to 25 s) separated by pauses of
/// 0.7 to 1.6 s (longer than the transcriber's 600 ms, so each utterance is a generation);</item>
/// <item>the floor passes to another participant after a gap of 0.2 to 1.5 s, or, in <see cref="OverlapShare"/>
/// of changes, the next speaker starts 0.3 to 1 s before the last one has finished (overlap);</item>
/// <item>in <see cref="SilenceShare"/> of changes the room falls silent for 3 to 15 s first;</item>
/// <item>each listener back-channels ("yes", "mm-hm": 0.3 to 0.9 s) at random, once per
/// <see cref="BackChannelEveryS"/> s on average while someone else holds the floor.</item>
/// </list>
/// A speaker's own utterances closer than the transcriber's pause are merged: they make one generation.
/// </summary>
internal static class MeetingTurnModel
{
    public const double TurnMedianS = 12;
    public const double UtteranceMedianS = 3.5;
    public const double OverlapShare = 0.15;
    public const double SilenceShare = 0.10;
    public const double BackChannelEveryS = 45;
    private const double PauseS = 0.6;

    public static List<Utterance> Room(int room, int speakers, double minutes, Random random)
    {
        var end = minutes * 60;
        var spoken = new List<Utterance>();
        var t = random.NextDouble() * 30; // rooms do not all start on the same second
        var main = random.Next(speakers);
        while (t < end)
        {
            var turnStart = t;
            var turnEnd = Math.Min(end, t + Math.Clamp(LogNormal(random, TurnMedianS, 0.8), 2, 120));
            while (t < turnEnd)
            {
                var length = Math.Clamp(LogNormal(random, UtteranceMedianS, 0.6), 0.6, 25);
                spoken.Add(new Utterance(room, main, t, Math.Min(end, t + length)));
                t += length + 0.7 + random.NextDouble() * 0.9;
            }

            var lastEnd = spoken[^1].End;
            for (var listener = 0; listener < speakers; listener++)
            {
                if (listener == main)
                {
                    continue;
                }

                // Poisson arrivals at one per BackChannelEveryS over the turn.
                for (var at = turnStart + Exponential(random, BackChannelEveryS); at < lastEnd - 1; at += Exponential(random, BackChannelEveryS))
                {
                    spoken.Add(new Utterance(room, listener, at, at + 0.3 + random.NextDouble() * 0.6));
                }
            }

            var next = (main + 1 + random.Next(speakers - 1)) % speakers;
            main = next;
            t = random.NextDouble() < OverlapShare
                ? lastEnd - (0.3 + random.NextDouble() * 0.7)
                : lastEnd + 0.2 + random.NextDouble() * 1.3;
            if (random.NextDouble() < SilenceShare)
            {
                t += 3 + random.NextDouble() * 12;
            }
        }

        return Merge(spoken);
    }

    /// <summary>Per speaker, utterances that overlap or sit closer than the pause become one.</summary>
    private static List<Utterance> Merge(List<Utterance> spoken)
    {
        var merged = new List<Utterance>(spoken.Count);
        foreach (var speaker in spoken.GroupBy(u => u.Speaker))
        {
            Utterance? open = null;
            foreach (var u in speaker.OrderBy(u => u.Onset))
            {
                if (open is not null && u.Onset - open.End < PauseS)
                {
                    open = open with { End = Math.Max(open.End, u.End) };
                    continue;
                }

                if (open is not null)
                {
                    merged.Add(open);
                }

                open = u;
            }

            if (open is not null)
            {
                merged.Add(open);
            }
        }

        merged.Sort((a, b) => a.Onset.CompareTo(b.Onset));
        return merged;
    }

    private static double LogNormal(Random random, double median, double sigma)
    {
        // Box-Muller.
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return median * Math.Exp(sigma * normal);
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());
}
