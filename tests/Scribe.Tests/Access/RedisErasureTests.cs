using StackExchange.Redis;

namespace Scribe.Tests.Access;

/// <summary>Erasure on a real redis-server: once a room is erased, no key of that room is left.</summary>
public sealed class RedisErasureTests() : RigTest(new RigOptions { Redis = true, ClusterName = "erase", FakeVllm = false, LiveKitPace = null })
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Erasure_leaves_no_key_of_the_room(bool byExpiry)
    {
        var room = byExpiry ? "expired-room" : "erased-room";
        const string kept = "kept-room";
        var grains = Rig.Grains;
        foreach (var name in new[] { room, kept })
        {
            var grain = grains.GetGrain<IRoomGrain>(name);
            await grain.ParticipantJoinedAsync(new ParticipantInfo("alice", "Alice", "PA_alice"));
            await grain.ParticipantJoinedAsync(new ParticipantInfo("bob", "Bob", "PA_bob"));
            await grains.GetGrain<IWebhookLedgerGrain>(name).AdmitAsync("EV_" + name, "room_started", "RM_" + name);
            // Enough segments for several chunks of the stored transcript.
            for (var n = 0; n < 150; n++)
            {
                await grain.UpsertSegmentAsync(Names.Segment(name, n % 2 == 0 ? "alice" : "bob", n, $"segment {n} of {name}"));
            }

            await grain.FinishAsync();
        }

        // The speakers' records exist once they were asked anything.
        await grains.GetGrain<IParticipantGrain>($"{room}/alice").GetStatusAsync();
        await Eventually.HoldsAsync(async () => (await KeysAsync()).Count(k => k.Contains(room, StringComparison.Ordinal)) >= 5, "the room's keys are stored");
        var before = await KeysAsync();
        Assert.Contains(before, k => k.Contains(room, StringComparison.Ordinal) && k.Contains("transcript", StringComparison.Ordinal));

        var management = grains.GetGrain<IManagementGrain>(0);
        Assert.NotNull(await management.GetActivationAddress(grains.GetGrain<IRoomGrain>(room))); // what the wait below sees go

        if (byExpiry)
        {
            Assert.True(await grains.GetGrain<IRoomGrain>(room).ExpireAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
        }
        else
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await Rig.Silo.Admin.DeleteAsync(new Uri($"/api/rooms/{room}/transcript", UriKind.Relative))).StatusCode);
            Assert.DoesNotContain(await grains.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key).ListAsync(), r => r.Name == room);
        }

        // Deactivations that follow must not write anything back: an activation writes before it leaves the
        // directory, so once the erased grains are gone from it whatever they wrote is in redis.
        IAddressable[] erased =
        [
            grains.GetGrain<IRoomGrain>(room), grains.GetGrain<IWebhookLedgerGrain>(room),
            grains.GetGrain<IParticipantGrain>($"{room}/alice"), grains.GetGrain<IParticipantGrain>($"{room}/bob"),
        ];
        await Eventually.HoldsAsync(
            async () => (await Task.WhenAll(erased.Select(g => management.GetActivationAddress(g).AsTask()))).All(host => host is null),
            "the erased room's grains are deactivated");
        var after = await KeysAsync();
        Assert.DoesNotContain(after, k => k.Contains(room, StringComparison.Ordinal));
        Assert.Contains(after, k => k.Contains(kept, StringComparison.Ordinal));
        Assert.Null(await grains.GetGrain<IRoomGrain>(room).GetSummaryAsync());
        Assert.Empty((await grains.GetGrain<IRoomGrain>(room).GetChangesAsync(0)).Segments);
        Assert.DoesNotContain(await KeysAsync(), k => k.Contains(room, StringComparison.Ordinal));
    }

    private async Task<IReadOnlyList<string>> KeysAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Rig.Redis.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        return [.. server.Keys(pattern: "*").Select(k => k.ToString())];
    }
}
