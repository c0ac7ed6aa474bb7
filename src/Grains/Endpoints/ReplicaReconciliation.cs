namespace Scribe.Endpoints;

/// <summary>
/// A discovered endpoint as the registry holds it: whether it is drained, whether that drain is discovery's (an
/// operator's is never lifted by discovery), and our sessions on it.
/// </summary>
public sealed record DiscoveredReplica(InferenceEndpoint Definition, bool Drained, bool DrainedByDiscovery, int Sessions);

/// <summary>
/// Pure: a discovery group's endpoints in the registry against the ones its host name resolves to now. A new
/// address is added; one that went away is drained so what runs there finishes, and removed once nothing of ours
/// is left on it (at once if nothing was); one that comes back is undrained if discovery drained it (an
/// operator's drain stays). A changed definition (model, generations, key) replaces the old one.
/// </summary>
public static class ReplicaReconciliation
{
    public static ReplicaChanges Plan(IReadOnlyCollection<DiscoveredReplica> current, IReadOnlyCollection<InferenceEndpoint> resolved)
    {
        var known = current.ToDictionary(r => r.Definition.Name, StringComparer.OrdinalIgnoreCase);
        var wanted = resolved.DistinctBy(e => e.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var wantedNames = wanted.Select(e => e.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var added = wanted.Where(e => !known.ContainsKey(e.Name)).ToList();
        var updated = wanted.Where(e => known.TryGetValue(e.Name, out var r) && r.Definition != e).ToList();
        var undrained = wanted.Where(e => known.TryGetValue(e.Name, out var r) && r.DrainedByDiscovery).Select(e => e.Name).ToList();

        var gone = current.Where(r => !wantedNames.Contains(r.Definition.Name)).ToList();
        var removed = gone.Where(r => r.Sessions == 0).Select(r => r.Definition.Name).ToList();
        var drained = gone.Where(r => r.Sessions > 0 && !r.Drained).Select(r => r.Definition.Name).ToList();
        return new ReplicaChanges(added, updated, drained, undrained, removed);
    }
}
