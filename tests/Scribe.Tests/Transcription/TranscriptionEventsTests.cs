using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scribe.Notifications;
using Scribe.Rooms;
using Scribe.Tests.Cluster;

namespace Scribe.Tests.Transcription;

/// <summary>What the meeting backend is told (through <see cref="IBackendEvents"/>) when a room's transcription starts and stops.</summary>
public sealed class TranscriptionEventsTests : IAsyncLifetime
{
    private readonly RecordingBackendEvents _events = new();
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(
        new Dictionary<string, string?> { ["Transcription:Activation"] = "OnRequest" },
        services => services.AddSingleton<IBackendEvents>(_events));

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task One_started_and_one_stopped_event_per_change_with_language_and_requester()
    {
        await TranscriptionRoutes.StartAsync(_silo.Admin, "evented", """{"language":"fr"}""");
        await TranscriptionRoutes.StartAsync(_silo.Admin, "evented");
        await TranscriptionRoutes.StopAsync(_silo.Admin, "evented");
        await TranscriptionRoutes.StopAsync(_silo.Admin, "evented");

        var events = _events.Raised.ToList();
        Assert.Equal([RoomGrain.TranscriptionStartedEvent, RoomGrain.TranscriptionStoppedEvent], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("evented", e.Room));
        Assert.Equal(2, events.Select(e => e.Id).Distinct().Count());
        var data = events.Select(e => JsonDocument.Parse(e.DataJson).RootElement).ToList();
        Assert.Equal(("fr", "admin"), (data[0].GetProperty("language").GetString(), data[0].GetProperty("requestedBy").GetString()));
        Assert.Equal(("fr", "admin"), (data[1].GetProperty("language").GetString(), data[1].GetProperty("requestedBy").GetString()));
    }

    [Fact]
    public async Task A_room_that_finishes_while_transcribed_ends_its_transcription()
    {
        var room = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>("finishing");
        await room.StartAsync();
        await TranscriptionRoutes.StartAsync(_silo.Admin, "finishing");

        await room.FinishAsync();
        await room.StartAsync(); // the next session of the room: OnRequest starts it off

        Assert.False((await TranscriptionRoutes.GetAsync(_silo.Admin, "finishing")).Active);
        var stopped = Assert.Single(_events.Raised, e => e.Type == RoomGrain.TranscriptionStoppedEvent);
        Assert.Equal(RoomGrain.RoomFinishedRequester, JsonDocument.Parse(stopped.DataJson).RootElement.GetProperty("requestedBy").GetString());
    }

    private sealed class RecordingBackendEvents : IBackendEvents
    {
        public ConcurrentQueue<BackendNotification> Raised { get; } = new();

        public Task RaiseAsync(BackendNotification notification)
        {
            Raised.Enqueue(notification);
            return Task.CompletedTask;
        }
    }
}
