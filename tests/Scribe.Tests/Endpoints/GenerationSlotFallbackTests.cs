using Scribe.Endpoints;

namespace Scribe.Tests.Endpoints;

public sealed class GenerationSlotFallbackTests
{
    private static readonly InferenceEndpoint Gpu = new("gpu-a", new Uri("ws://gpu-a:8000/v1/realtime"), "voxtral", InferenceEndpoint.NoSessionCap, MaxGenerations: 1);

    [Fact]
    public async Task An_unreachable_slot_count_admits_on_the_speaker_s_socket_and_its_end_does_not_throw()
    {
        var balancer = new EndpointBalancer([Gpu], new Random(1), new UnreachableSlots());
        var ticket = await balancer.TryStartGenerationAsync("r/1", DateTimeOffset.UtcNow, "gpu-a", TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("gpu-a", ticket?.Endpoint);
        await ticket!.EndAsync();
    }

    [Fact]
    public async Task The_local_count_holds_the_cap_and_a_released_slot_serves_the_next_speaker()
    {
        var balancer = new EndpointBalancer([Gpu], new Random(1));
        var first = await balancer.TryStartGenerationAsync("r/1", DateTimeOffset.UtcNow, null, TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("gpu-a", first?.Endpoint);
        Assert.Null(await balancer.TryStartGenerationAsync("r/2", DateTimeOffset.UtcNow, null, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(1, (await balancer.Slots.GetUsageAsync()).Waiting);

        await first!.EndAsync();
        Assert.Equal("gpu-a", (await balancer.TryStartGenerationAsync("r/2", DateTimeOffset.UtcNow, null, TimeSpan.FromMinutes(1), CancellationToken.None))?.Endpoint);
    }

    private sealed class UnreachableSlots : IGenerationSlots
    {
        public Task<GenerationSlot?> TryAcquireAsync(GenerationSlotRequest request, CancellationToken cancellationToken) =>
            Task.FromException<GenerationSlot?>(new TimeoutException("the silo holding the count is gone"));

        public Task ReleaseAsync(long lease) => Task.FromException(new TimeoutException("gone"));

        public Task<GenerationSlotUsage> GetUsageAsync() => Task.FromException<GenerationSlotUsage>(new TimeoutException("gone"));
    }
}
