using System.Net;

namespace Scribe.Tests.Endpoints;

/// <summary>The pure part of DNS discovery: a group's endpoints in the registry against what its name resolves to now.</summary>
public sealed class ReplicaReconciliationTests
{
    private static readonly InferenceDiscoveryOptions Group = new()
    {
        Name = "vllm",
        Host = "vllm.meet.svc.cluster.local",
        Port = 8000,
        Model = "voxtral",
        MaxGenerations = 16,
    };

    private static InferenceEndpoint At(string address) => Group.EndpointAt(IPAddress.Parse(address));

    private static DiscoveredReplica Held(string address, int sessions = 0, bool drainedByDiscovery = false, bool drainedByOperator = false) =>
        new(At(address), drainedByDiscovery || drainedByOperator, drainedByDiscovery, sessions);

    [Fact]
    public void Each_resolved_address_is_one_endpoint_named_after_the_group_and_the_address()
    {
        var endpoint = At("10.1.2.3");

        Assert.Equal("vllm-10.1.2.3", endpoint.Name);
        Assert.Equal(new Uri("ws://10.1.2.3:8000/v1/realtime"), endpoint.Url);
        Assert.Equal(16, endpoint.GenerationLimit);
        Assert.Equal(InferenceEndpoint.NoSessionCap, endpoint.MaxSessions);
        Assert.Equal(new Uri("http://10.1.2.3:8000/"), endpoint.HealthBase);
        Assert.Equal(new Uri("ws://[fd00::7]:8000/v1/realtime"), At("fd00::7").Url);
    }

    [Fact]
    public void New_addresses_are_added_and_known_ones_left_alone()
    {
        var changes = ReplicaReconciliation.Plan([Held("10.0.0.1", sessions: 3)], [At("10.0.0.1"), At("10.0.0.2")]);

        Assert.Equal(["vllm-10.0.0.2"], changes.Added.Select(e => e.Name));
        Assert.Empty(changes.Updated);
        Assert.Empty(changes.Drained);
        Assert.Empty(changes.Removed);
        Assert.Empty(changes.Undrained);
    }

    [Fact]
    public void A_gone_address_with_sessions_is_drained_and_one_without_is_removed()
    {
        var changes = ReplicaReconciliation.Plan([Held("10.0.0.1", sessions: 2), Held("10.0.0.2"), Held("10.0.0.3", sessions: 1)], [At("10.0.0.3")]);

        Assert.Equal(["vllm-10.0.0.1"], changes.Drained);
        Assert.Equal(["vllm-10.0.0.2"], changes.Removed);
        Assert.Empty(changes.Added);
    }

    [Fact]
    public void A_drained_replica_is_removed_once_nothing_runs_there_and_not_before()
    {
        Assert.True(ReplicaReconciliation.Plan([Held("10.0.0.1", sessions: 1, drainedByDiscovery: true)], []).IsEmpty);

        var changes = ReplicaReconciliation.Plan([Held("10.0.0.1", sessions: 0, drainedByDiscovery: true)], []);
        Assert.Equal(["vllm-10.0.0.1"], changes.Removed);
        Assert.Empty(changes.Drained);
    }

    [Fact]
    public void A_replica_that_comes_back_is_undrained()
    {
        var changes = ReplicaReconciliation.Plan([Held("10.0.0.1", sessions: 1, drainedByDiscovery: true)], [At("10.0.0.1")]);

        Assert.Equal(["vllm-10.0.0.1"], changes.Undrained);
        Assert.Empty(changes.Added);
        Assert.Empty(changes.Removed);
    }

    [Fact]
    public void An_operators_drain_is_neither_taken_over_nor_lifted()
    {
        // Gone with a session on it: already drained, nothing to do until the session ends.
        Assert.True(ReplicaReconciliation.Plan([Held("10.0.0.1", sessions: 1, drainedByOperator: true)], []).IsEmpty);
        Assert.True(ReplicaReconciliation.Plan([Held("10.0.0.1", sessions: 1, drainedByOperator: true)], [At("10.0.0.1")]).IsEmpty);
        Assert.Equal(["vllm-10.0.0.1"], ReplicaReconciliation.Plan([Held("10.0.0.1", drainedByOperator: true)], []).Removed);
    }

    [Fact]
    public void A_changed_definition_replaces_the_old_one()
    {
        var bigger = At("10.0.0.1") with { MaxGenerations = 32 };

        var changes = ReplicaReconciliation.Plan([Held("10.0.0.1", sessions: 4)], [bigger]);

        Assert.Equal([bigger], changes.Updated);
        Assert.Empty(changes.Added);
    }

    [Fact]
    public void The_same_answer_twice_changes_nothing()
    {
        Assert.True(ReplicaReconciliation.Plan([Held("10.0.0.1"), Held("10.0.0.2", sessions: 5)], [At("10.0.0.2"), At("10.0.0.1"), At("10.0.0.1")]).IsEmpty);
    }
}
