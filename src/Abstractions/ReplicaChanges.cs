namespace Scribe;

/// <summary>
/// What one DNS resolution of a discovery group changed in the endpoint registry: replicas added (or given a new
/// definition), drained because their address went away (their running work finishes), brought back, and removed
/// once drained with nothing left on them.
/// </summary>
[GenerateSerializer, Immutable, Alias("scribe.replica-changes")]
public sealed record ReplicaChanges(
    [property: Id(0)] IReadOnlyList<InferenceEndpoint> Added,
    [property: Id(1)] IReadOnlyList<InferenceEndpoint> Updated,
    [property: Id(2)] IReadOnlyList<string> Drained,
    [property: Id(3)] IReadOnlyList<string> Undrained,
    [property: Id(4)] IReadOnlyList<string> Removed)
{
    public static readonly ReplicaChanges None = new([], [], [], [], []);

    public bool IsEmpty => Added.Count + Updated.Count + Drained.Count + Undrained.Count + Removed.Count == 0;

    public override string ToString() =>
        $"added [{string.Join(", ", Added.Select(e => e.Name))}], updated [{string.Join(", ", Updated.Select(e => e.Name))}], " +
        $"drained [{string.Join(", ", Drained)}], undrained [{string.Join(", ", Undrained)}], removed [{string.Join(", ", Removed)}]";
}
