using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Scribe.Tests.Notifications;

/// <summary>Two silos on Redis: the silo holding the outbox dies with an event undelivered, and the other silo delivers it.</summary>
public sealed class OutboxSurvivesSiloLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private BackendReceiver _backend = null!;
    private readonly List<TestSilo> _silos = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _backend = await BackendReceiver.StartAsync();
        var settings = TranscriptReadyDeliveryTests.Settings(_backend.Url);
        settings["Cluster:Provider"] = "Redis";
        settings["ConnectionStrings:Redis"] = _redis.ConnectionString;
        settings["Cluster:ClusterId"] = "outbox-" + Guid.NewGuid().ToString("N")[..8];
        settings["Cluster:AdvertisedIp"] = "127.0.0.1";
        _silos.Add(await TestSilo.StartAsync(settings));
        _silos.Add(await TestSilo.StartAsync(settings));
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _backend.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task An_undelivered_event_is_delivered_after_the_outbox_silo_is_killed()
    {
        var grains = _silos[0].Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        await TranscriptReadyDeliveryTests.WaitUntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2);

        _backend.Answer = 503;
        const string room = "survivor";
        var grain = grains.GetGrain<IRoomGrain>(room);
        await grain.ParticipantJoinedAsync(new ParticipantInfo("alice", "Alice", "PA_alice"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 1, "first"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 2, "second"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 3, "left open", final: false));
        await grain.FinishAsync();
        var refused = await _backend.WaitForAsync(r => r.IsReadyFor(room), TimeSpan.FromSeconds(30));

        var outbox = grains.GetGrain<INotificationOutboxGrain>(INotificationOutboxGrain.Key);
        var host = await management.GetActivationAddress(outbox);
        var holder = _silos.Single(s => s.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Equals(host));
        output.WriteLine($"outbox held by {host}; killing it");
        _silos.Remove(holder);
        await holder.KillAsync();

        _backend.Answer = 204;
        var clock = Stopwatch.StartNew();
        var delivered = await _backend.WaitForAsync(r => r.IsReadyFor(room) && r.AnsweredWith == 204, TimeSpan.FromSeconds(60));
        output.WriteLine($"delivered {clock.ElapsedMilliseconds} ms after the kill");
        Assert.Equal(refused.Id, delivered.Id);
        TranscriptReadyDeliveryTests.AssertSignedReady(delivered, room);
    }
}
