namespace Scribe.Tests.Grains;

/// <summary>The cluster's generation slot count on Orleans' test cluster: what the dashboard's capacity chart reads.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class GenerationSlotsGrainTests(GrainCluster cluster)
{
    [Fact]
    public async Task A_speaker_refused_a_slot_waits_and_the_history_shows_the_slot_in_use_the_wait_and_its_p99()
    {
        var slots = cluster.Grains.GetGrain<IGenerationSlotsGrain>("slots-" + Guid.NewGuid().ToString("N")[..8]);
        var endpoint = new[] { new GenerationCapacity("gpu-1", MaxGenerations: 1, Open: true) };
        var started = DateTimeOffset.UtcNow;

        var alice = await slots.TryAcquireAsync(new GenerationSlotRequest("alice", started, null, endpoint, TimeSpan.FromMinutes(1)));
        Assert.NotNull(alice);
        Assert.Null(await slots.TryAcquireAsync(new GenerationSlotRequest("bob", started.AddMilliseconds(10), null, endpoint, TimeSpan.FromMinutes(1))));

        var during = await slots.GetHistoryAsync();
        var last = during.Samples[^1];
        Assert.Equal((1, 1), (last.Running["gpu-1"], last.Waiting));

        await Task.Delay(50); // bob's wait is measured on the grain's clock; it only has to be above zero
        await slots.ReleaseAsync(alice.Id);
        Assert.NotNull(await slots.TryAcquireAsync(new GenerationSlotRequest("bob", started.AddMilliseconds(10), null, endpoint, TimeSpan.FromMinutes(1))));

        var after = await slots.GetHistoryAsync();
        Assert.True(after.AdmissionWaitP99Ms > 0, $"p99 {after.AdmissionWaitP99Ms} ms: bob waited for alice's slot");
        Assert.Equal(1, after.Samples[^1].Running["gpu-1"]);
    }
}
