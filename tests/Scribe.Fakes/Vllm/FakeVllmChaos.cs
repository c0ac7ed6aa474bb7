namespace Scribe.Fakes.Vllm;

/// <summary>Faults a fake endpoint injects, drawn from a seeded random source.</summary>
public sealed class FakeVllmChaos(int seed = 1)
{
    private readonly Random _random = new(seed);

    public static FakeVllmChaos None { get; } = new();

    /// <summary>Chance per append that the socket is aborted (a crash mid-utterance).</summary>
    public double CloseProbability { get; init; }

    /// <summary>Chance per final commit that the server never answers it (a stalled engine).</summary>
    public double StallProbability { get; init; }

    /// <summary>Chance per append that an off-protocol event is sent.</summary>
    public double GarbageProbability { get; init; }

    public bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }

        lock (_random)
        {
            return _random.NextDouble() < probability;
        }
    }

    public string Pick(string[] options)
    {
        lock (_random)
        {
            return options[_random.Next(options.Length)];
        }
    }
}
