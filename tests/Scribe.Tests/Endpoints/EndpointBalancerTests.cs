namespace Scribe.Tests.Endpoints;

public sealed class EndpointBalancerTests
{
    private static readonly InferenceEndpoint A = new("a", new Uri("ws://a:8000/v1/realtime"), "m", 4);
    private static readonly InferenceEndpoint B = new("b", new Uri("ws://b:8000/v1/realtime"), "m", 4);

    private static RegisteredEndpoint Registered(InferenceEndpoint endpoint, int sessions = 0, int reportedLoad = 0,
        EndpointHealth health = EndpointHealth.Healthy, bool drained = false) =>
        new(endpoint, new EndpointStatus(endpoint.Name, endpoint.Url.ToString(), endpoint.Model, endpoint.MaxSessions, sessions, reportedLoad,
            null, health, 0, drained, false, null, null, endpoint.HealthBase.ToString()));

    [Fact]
    public void Other_silos_sessions_and_other_clients_load_fill_an_endpoint_our_own_live_count_does_not_double()
    {
        var balancer = new EndpointBalancer([A, B], new Random(1));
        var mine = balancer.TryPlace("s/1", null)!;
        var report = balancer.TakeSessionReport();
        Assert.Equal(1, report[mine.Endpoint.Name]);
        var other = mine.Endpoint == A ? B : A;

        // The registry: our one session plus two from another silo on ours; the other endpoint full of someone else's.
        balancer.Apply(new EndpointSnapshot(1,
            [Registered(mine.Endpoint, sessions: 3, reportedLoad: 3), Registered(other, sessions: 0, reportedLoad: 4)], PlacingSilos: 2));

        Assert.NotNull(balancer.TryPlace("s/2", null));   // 1 + 2 + 1 = 4: the last slot
        Assert.Null(balancer.TryPlace("s/3", null));
        mine.Dispose();
        Assert.Equal(mine.Endpoint, balancer.TryPlace("s/3", null)!.Endpoint);
    }

    [Fact]
    public async Task A_drained_or_unhealthy_endpoint_is_left_and_takes_nothing_and_waiters_wake_on_the_change()
    {
        var balancer = new EndpointBalancer([A, B], new Random(1));
        balancer.Apply(new EndpointSnapshot(1, [Registered(A, drained: true), Registered(B, health: EndpointHealth.Unhealthy)]));
        Assert.Null(balancer.TryPlace("s/1", null));

        var waiting = balancer.WaitForCapacityAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        balancer.Apply(new EndpointSnapshot(2, [Registered(A), Registered(B, health: EndpointHealth.Unhealthy)]));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        var placement = balancer.TryPlace("s/1", null)!;
        Assert.Equal(A, placement.Endpoint);
        Assert.False(balancer.ShouldLeave(placement));
        balancer.Apply(new EndpointSnapshot(3, [Registered(A, drained: true), Registered(B)]));
        Assert.True(balancer.ShouldLeave(placement));
        balancer.Apply(new EndpointSnapshot(4, [Registered(B)])); // removed
        Assert.True(balancer.ShouldLeave(placement));
    }
}
