using Scribe.Notifications;

namespace Scribe.Tests.Notifications;

/// <summary><c>transcript.ready</c> reaches a backend on loopback Kestrel, signed, once per successful delivery, retried with the same id.</summary>
public sealed class TranscriptReadyDeliveryTests : IAsyncLifetime
{
    public const string Secret = "backend-shared-secret-0123456789abcdef";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private BackendReceiver _backend = null!;
    private TestSilo _silo = null!;

    /// <summary>Settings that make a finished room's transcript ready about a second after the finish and retry after one.</summary>
    public static Dictionary<string, string?> Settings(Uri backend) => new()
    {
        ["Notifications:Url"] = backend.AbsoluteUri,
        ["Notifications:Secret"] = Secret,
        ["Notifications:FirstRetrySeconds"] = "1",
        ["Transcription:FinalTimeoutMs"] = "500",
    };

    public async Task InitializeAsync()
    {
        _backend = await BackendReceiver.StartAsync();
        _silo = await TestSilo.StartAsync(Settings(_backend.Url));
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _backend.DisposeAsync();
    }

    private async Task FinishRoomAsync(string room)
    {
        var grain = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>(room);
        await grain.StartAsync();
        await grain.ParticipantJoinedAsync(new ParticipantInfo("alice", "Alice", "PA_alice"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 1, "first"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 2, "second"));
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 3, "left open", final: false));
        await grain.FinishAsync();
    }

    internal static void AssertSignedReady(BackendReceiver.Received received, string room)
    {
        Assert.Equal("application/json", received.ContentType);
        Assert.True(NotificationSignature.Verify(Secret, received.Signature, received.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), received.Signature);
        Assert.False(NotificationSignature.Verify(Secret + "!", received.Signature, received.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        var json = received.Json;
        Assert.Equal("transcript.ready", received.Type);
        Assert.Equal(room, received.Room);
        Assert.StartsWith("evt_", received.Id, StringComparison.Ordinal);
        Assert.True(json.GetProperty("createdAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        var data = json.GetProperty("data");
        Assert.True(data.GetProperty("revision").GetInt64() >= 3);
        Assert.Equal(3, data.GetProperty("segments").GetInt32()); // the interim left open was closed as final
        Assert.True(data.GetProperty("durationSeconds").GetDouble() >= 0);
        Assert.Equal("alice", Assert.Single(data.GetProperty("speakers").EnumerateArray()).GetProperty("identity").GetString());
        var links = data.GetProperty("links");
        Assert.Equal($"/api/rooms/{room}/transcript", links.GetProperty("json").GetString());
        Assert.Equal($"/api/rooms/{room}/transcript?format=vtt", links.GetProperty("vtt").GetString());
        Assert.Equal($"/api/rooms/{room}/transcript?format=srt", links.GetProperty("srt").GetString());
        Assert.Equal($"/api/rooms/{room}/transcript?format=text", links.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_finished_room_is_announced_once_signed()
    {
        await FinishRoomAsync("announced");

        var ready = await _backend.WaitForAsync(r => r.IsReadyFor("announced"), Patience);
        AssertSignedReady(ready, "announced");

        // Delivered means gone from the outbox, and never sent again.
        await Eventually.HoldsAsync(async () => (await PendingAsync()).GetArrayLength() == 0, "the outbox is empty");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(_backend.Requests, r => r.IsReadyFor("announced"));

        // The room's transcription turning on (the AllRooms policy) and off (its finish) reached the backend too.
        Assert.Single(_backend.Requests, r => r.Room == "announced" && r.Type == "transcription.started");
        Assert.Single(_backend.Requests, r => r.Room == "announced" && r.Type == "transcription.stopped");
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_with_the_same_id_and_shown_until_delivered()
    {
        _backend.Answer = 500;
        await FinishRoomAsync("retried");
        await _backend.WaitForAsync(r => r.IsReadyFor("retried"), Patience);

        // The room's transcription.started and .stopped wait in the outbox beside it.
        JsonElement pending = default;
        await Eventually.HoldsAsync(async () =>
        {
            pending = (await PendingAsync()).EnumerateArray().SingleOrDefault(e => e.GetProperty("type").GetString() == "transcript.ready");
            return pending.ValueKind == JsonValueKind.Object && pending.GetProperty("attempts").GetInt32() >= 1;
        }, "the outbox shows the failed attempt");
        Assert.Contains("500", pending.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal("retried", pending.GetProperty("room").GetString());

        _backend.Answer = 204;
        var delivered = await _backend.WaitForAsync(r => r.IsReadyFor("retried") && r.AnsweredWith == 204, Patience);
        AssertSignedReady(delivered, "retried");

        var all = _backend.Requests.Where(r => r.IsReadyFor("retried")).ToList();
        Assert.True(all.Count >= 2);
        Assert.All(all, r => Assert.Equal(delivered.Id, r.Id));
        await Eventually.HoldsAsync(async () => (await PendingAsync()).GetArrayLength() == 0, "the outbox is empty");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(_backend.Requests, r => r.IsReadyFor("retried") && r.AnsweredWith == 204);
    }

    private async Task<JsonElement> PendingAsync() =>
        (await _silo.Admin.GetFromJsonAsync<JsonElement>("/api/notifications")).GetProperty("pending");
}
