namespace Scribe.Endpoints;

/// <summary>
/// Where a new realtime session goes. Pure: plain inputs, one answer.
/// <list type="number">
/// <item>Only endpoints that are healthy (or not probed yet), not drained, under their cap and not out of KV cache.</item>
/// <item>Not the endpoint that just failed for this speaker, unless it is the only one with room.</item>
/// <item>Sticky: the speaker's previous endpoint while it still qualifies (its warm socket path, fewer moves).</item>
/// <item>Otherwise two random candidates, the less utilised wins: near least-loaded balance without every silo
/// herding onto the same "emptiest" endpoint from the same slightly stale snapshot.</item>
/// </list>
/// </summary>
public static class PlacementPolicy
{
    /// <returns>The chosen endpoint's name, or null when none has room.</returns>
    public static string? Choose(IReadOnlyList<PlacementCandidate> candidates, string? previous, string? avoid, Random random)
    {
        var open = new List<PlacementCandidate>(candidates.Count);
        foreach (var candidate in candidates)
        {
            if (candidate.HasRoom)
            {
                open.Add(candidate);
            }
        }

        if (avoid is not null && open.Count > 1)
        {
            open.RemoveAll(c => string.Equals(c.Name, avoid, StringComparison.Ordinal));
        }

        if (open.Count == 0)
        {
            return null;
        }

        if (previous is not null && open.FindIndex(c => string.Equals(c.Name, previous, StringComparison.Ordinal)) is var kept and >= 0)
        {
            return open[kept].Name;
        }

        if (open.Count == 1)
        {
            return open[0].Name;
        }

        var first = random.Next(open.Count);
        var second = random.Next(open.Count - 1);
        if (second >= first)
        {
            second++;
        }

        return Lighter(open[first], open[second]).Name;
    }

    /// <summary>Whether a session on this endpoint should move at its next generation boundary (null: it was removed).</summary>
    public static bool ShouldLeave(PlacementCandidate? current) => current is not { Serving: true };

    private static PlacementCandidate Lighter(PlacementCandidate a, PlacementCandidate b)
    {
        var byUse = a.Utilisation.CompareTo(b.Utilisation);
        if (byUse != 0)
        {
            return byUse < 0 ? a : b;
        }

        // Equal utilisation: the one with more free slots, then a stable order.
        var byFree = (b.MaxSessions - (b.Projected ?? b.Load)).CompareTo(a.MaxSessions - (a.Projected ?? a.Load));
        if (byFree != 0)
        {
            return byFree < 0 ? a : b;
        }

        return string.CompareOrdinal(a.Name, b.Name) <= 0 ? a : b;
    }
}
