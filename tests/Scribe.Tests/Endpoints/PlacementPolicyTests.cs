namespace Scribe.Tests.Endpoints;

public sealed class PlacementPolicyTests
{
    private static string? Choose(IReadOnlyList<PlacementCandidate> candidates, string? previous = null, string? avoid = null, int seed = 1) =>
        PlacementPolicy.Choose(candidates, previous, avoid, new Random(seed));

    [Fact]
    public void An_endpoint_at_its_cap_takes_nothing_and_when_all_are_full_there_is_no_placement()
    {
        PlacementCandidate[] candidates = [new("a", 4, 4), new("b", 2, 1)];
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.Equal("b", Choose(candidates, seed: seed));
        }

        Assert.Null(Choose([new("a", 4, 4), new("b", 2, 2)]));
        Assert.Null(Choose([]));
    }

    [Fact]
    public void Unhealthy_drained_and_kv_cache_full_endpoints_take_nothing_while_unprobed_ones_do()
    {
        PlacementCandidate[] candidates =
        [
            new("sick", 10, 0, EndpointHealth.Unhealthy),
            new("drained", 10, 0, Drained: true),
            new("kv-full", 10, 0, KvCacheUsage: 0.97),
            new("fresh", 10, 9, EndpointHealth.Unknown),
        ];
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.Equal("fresh", Choose(candidates, seed: seed));
        }

        Assert.Null(Choose(candidates[..3]));
    }

    [Fact]
    public void A_speaker_stays_on_its_previous_endpoint_while_it_qualifies_even_when_another_is_lighter()
    {
        PlacementCandidate[] candidates = [new("busy", 10, 8), new("empty", 10, 0)];
        Assert.Equal("busy", Choose(candidates, previous: "busy"));

        Assert.Equal("empty", Choose([new("busy", 10, 10), new("empty", 10, 0)], previous: "busy"));
        Assert.Equal("empty", Choose([new("busy", 10, 1, Drained: true), new("empty", 10, 0)], previous: "busy"));
        Assert.Equal("empty", Choose([new("busy", 10, 1, EndpointHealth.Unhealthy), new("empty", 10, 0)], previous: "busy"));
        Assert.Equal("empty", Choose(candidates, previous: "removed-meanwhile"));
    }

    [Fact]
    public void The_endpoint_that_just_failed_is_avoided_unless_it_is_the_only_one_with_room()
    {
        PlacementCandidate[] candidates = [new("failed", 10, 0), new("other", 10, 9)];
        Assert.Equal("other", Choose(candidates, previous: "failed", avoid: "failed"));
        Assert.Equal("failed", Choose([new("failed", 10, 0), new("other", 10, 10)], avoid: "failed"));
    }

    [Fact]
    public void Of_two_choices_the_less_utilised_wins_so_capacity_not_count_decides()
    {
        // 3 of 4 is fuller than 5 of 20, however the coin falls.
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.Equal("big", Choose([new("small", 4, 3), new("big", 20, 5)], seed: seed));
        }
    }

    [Fact]
    public void Sessions_placed_one_by_one_spread_in_proportion_to_capacity()
    {
        var caps = new[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
        var loads = new int[caps.Length];
        var random = new Random(7);
        for (var placed = 0; placed < 330; placed++)
        {
            var candidates = caps.Select((cap, i) => new PlacementCandidate($"e{i}", cap, loads[i])).ToList();
            var chosen = PlacementPolicy.Choose(candidates, null, null, random)!;
            loads[int.Parse(chosen[1..], System.Globalization.CultureInfo.InvariantCulture)]++;
        }

        // Mean utilisation 330/550 = 0.6; two choices keep every endpoint within a few sessions of it
        // (on a cap of 10 one session is already 0.1).
        var utilisation = loads.Select((load, i) => load / (double)caps[i]).ToList();
        Assert.All(utilisation, u => Assert.InRange(u, 0.4, 0.8));
    }

    [Fact]
    public void Two_choices_do_not_send_a_burst_from_one_stale_view_to_the_same_endpoint()
    {
        // Many silos placing from the same snapshot before it refreshes: a strict least-loaded rule would send
        // every one of them to "e0". Two random choices spread them.
        PlacementCandidate[] snapshot = [.. Enumerable.Range(0, 10).Select(i => new PlacementCandidate($"e{i}", 100, 10 + i))];
        var random = new Random(3);
        var chosen = Enumerable.Range(0, 100).Select(_ => PlacementPolicy.Choose(snapshot, null, null, random)).ToList();
        Assert.True(chosen.Distinct().Count() >= 5, string.Join(",", chosen.Distinct()));
        Assert.True(chosen.Count(c => c == "e0") < 40);
    }

    [Fact]
    public void The_projected_load_ranks_but_the_known_load_decides_whether_there_is_room()
    {
        // "a" looks lighter now, but this silo's recent placements there suggest the others did the same.
        PlacementCandidate[] candidates = [new("a", 10, 4, Projected: 9), new("b", 10, 6)];
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal("b", Choose(candidates, seed: seed));
        }

        // A projection over the cap is no reason to refuse a slot that is free.
        Assert.Equal("a", Choose([new("a", 10, 9, Projected: 14), new("b", 10, 10)]));
    }

    [Fact]
    public void A_session_leaves_an_endpoint_that_is_drained_unhealthy_or_gone_but_not_one_that_is_merely_full()
    {
        Assert.False(PlacementPolicy.ShouldLeave(new PlacementCandidate("a", 10, 10)));
        Assert.False(PlacementPolicy.ShouldLeave(new PlacementCandidate("a", 10, 3, EndpointHealth.Unknown)));
        Assert.True(PlacementPolicy.ShouldLeave(new PlacementCandidate("a", 10, 3, Drained: true)));
        Assert.True(PlacementPolicy.ShouldLeave(new PlacementCandidate("a", 10, 3, EndpointHealth.Unhealthy)));
        Assert.True(PlacementPolicy.ShouldLeave(null));
    }
}
