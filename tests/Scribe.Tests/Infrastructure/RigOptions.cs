namespace Scribe.Tests.Infrastructure;

/// <summary>What a test asks of its <see cref="MeetingRig"/>; every setting has the value most tests want.</summary>
public sealed record RigOptions
{
    /// <summary>In-process silos to start (0: only the fakes, for a test that starts its silos itself).</summary>
    public int Silos { get; init; } = 1;

    /// <summary>A private redis-server for membership and storage, under a fresh cluster id.</summary>
    public bool Redis { get; init; }

    /// <summary>The cluster id's prefix when on Redis (the id ends in a fresh suffix).</summary>
    public string ClusterName { get; init; } = "rig";

    /// <summary>A strict fake vLLM configured as endpoint <c>gpu-1</c>; false: no endpoint configured (the silo's embedded local endpoint).</summary>
    public bool FakeVllm { get; init; } = true;

    /// <summary>How many sessions the fake vLLM takes at once.</summary>
    public int VllmCapacity { get; init; } = 64;

    /// <summary><c>MaxSessions</c> of <c>gpu-1</c> (a socket cap); null: none.</summary>
    public int? MaxSessions { get; init; }

    /// <summary><c>MaxGenerations</c> of <c>gpu-1</c>: the generations it may run at once; null: <see cref="MaxSessions"/>, else 8.</summary>
    public int? MaxGenerations { get; init; }

    /// <summary>The fake LiveKit's egress pace (1 = real time); null: no fake LiveKit (LiveKit:Url stays a closed port).</summary>
    public double? LiveKitPace { get; init; } = 4.0;

    /// <summary>Named API keys (<c>Api:Keys</c>) for every silo, each with its scopes (space or comma separated).</summary>
    public IReadOnlyList<(string Name, string Key, string Scopes)> ApiKeys { get; init; } = [];

    /// <summary>Settings for every silo, over the rig's own.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Service replacements for every in-process silo.</summary>
    public Action<IServiceCollection>? Services { get; init; }
}
