using System.Net;
using System.Text;

namespace Scribe.Tests.Transcription;

/// <summary>
/// The control routes under <c>OnRequest</c> with quiet speakers: idempotent start and stop, a start remembered for a
/// room LiveKit has not reported yet, a newcomer told the status, and bad input refused without changing anything.
/// </summary>
public sealed class TranscriptionControlTests : IAsyncLifetime
{
    private LiveKitRoomHarness _h = null!;

    public async Task InitializeAsync() =>
        _h = await LiveKitRoomHarness.StartAsync(new Dictionary<string, string?> { ["Transcription:Activation"] = "OnRequest" });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private HttpClient Admin => _h.Silo.Admin;

    [Fact]
    public async Task Start_and_stop_are_idempotent_and_a_newcomer_is_told_the_status()
    {
        const string room = "idempotent";
        var (_, _, track) = await _h.PublishAsync(room, "alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        await Eventually.HoldsAsync(async () => (await _h.StatusAsync(room, "alice")).TrackSid == track.Sid, "alice's track is known");

        var first = await TranscriptionRoutes.PutAsync(Admin, room, """{"language":"pt-BR"}""");
        var second = await TranscriptionRoutes.PutAsync(Admin, room, """{"language":"de"}""");
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first, second); // the second start changes nothing, not even the language
        var egress = await _h.WaitForActiveEgressAsync(track.Sid);
        Assert.Equal(TranscriptionRoutes.Parse(first.Body), await TranscriptionRoutes.GetAsync(Admin, room));
        Assert.Equal("pt-BR", TranscriptionRoutes.Parse(first.Body).Language);

        var carol = _h.LiveKit.AddParticipant(room, "carol", "Carol");
        Assert.Equal(200, (await _h.Webhooks.ParticipantJoinedAsync(_h.WebhookUrl, _h.LiveKit.GetRoom(room), carol, CancellationToken.None)).HttpStatus);
        await Eventually.HoldsAsync(() => TranscriptionRoutes.StatusMessages(_h.LiveKit, room).Any(m => m.To.SequenceEqual(["carol"])), "carol is told");

        var stopped = await TranscriptionRoutes.StopAsync(Admin, room);
        Assert.Equal(stopped, await TranscriptionRoutes.StopAsync(Admin, room));
        Assert.Equal(stopped, await TranscriptionRoutes.GetAsync(Admin, room));
        Assert.False(stopped.Active);
        await Eventually.HoldsAsync(() => _h.StopRequests(egress.EgressId) == 1, "alice's egress is stopped");
        await Eventually.HoldsAsync(() => TranscriptionRoutes.StatusMessages(_h.LiveKit, room).Count == 3, "the stop is announced");

        Assert.Equal(
            [(true, "pt-BR", (string[])[]), (true, "pt-BR", ["carol"]), (false, null, [])],
            TranscriptionRoutes.StatusMessages(_h.LiveKit, room).Select(m => (m.Active, m.Language, m.To.ToArray())));
        Assert.Equal(1, _h.StartRequests(track.Sid));
        Assert.Equal(SpeakerState.Stopped, (await _h.StatusAsync(room, "alice")).State);
        Assert.Equal(track.Sid, (await _h.StatusAsync(room, "alice")).TrackSid); // the track stays known for a later start

        // A later start transcribes the same track again.
        Assert.True((await TranscriptionRoutes.StartAsync(Admin, room)).Active);
        await _h.WaitForActiveEgressAsync(track.Sid, egress.EgressId);
    }

    [Fact]
    public async Task A_start_for_a_room_not_yet_reported_begins_when_its_speakers_appear()
    {
        const string room = "early";
        var status = await TranscriptionRoutes.StartAsync(Admin, room);
        Assert.Equal((true, null, "admin"), (status.Active, status.Language, status.RequestedBy));
        Assert.NotNull(status.Since);

        var (_, _, track) = await _h.PublishAsync(room, "alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        await _h.WaitForActiveEgressAsync(track.Sid);
        Assert.Equal(status, await TranscriptionRoutes.GetAsync(Admin, room));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[\"fr\"]")]
    [InlineData("{\"language\": 7}")]
    [InlineData("{\"language\": \"french please\"}")]
    [InlineData("{\"language\": \"f\"}")]
    [InlineData("{\"language\": \"fr-\"}")]
    public async Task Bad_input_is_refused_with_problem_json_and_changes_nothing(string body)
    {
        var (status, text) = await TranscriptionRoutes.PutAsync(Admin, "refused", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"status\":400", text, StringComparison.Ordinal);
        Assert.False((await TranscriptionRoutes.GetAsync(Admin, "refused")).Active);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused()
    {
        var (status, _) = await TranscriptionRoutes.PutAsync(Admin, "oversized", $"{{\"language\": \"fr\", \"padding\": \"{new string('x', 8_000)}\"}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False((await TranscriptionRoutes.GetAsync(Admin, "oversized")).Active);
    }

    [Fact]
    public async Task The_routes_need_the_admin_key()
    {
        using var anonymous = new HttpClient { BaseAddress = _h.Silo.Url };
        using var content = new StringContent("", Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsync(TranscriptionRoutes.Route("locked"), content)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync(TranscriptionRoutes.Route("locked"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(TranscriptionRoutes.Route("locked"))).StatusCode);
        Assert.False((await TranscriptionRoutes.GetAsync(Admin, "locked")).Active);
    }
}

/// <summary>The default policy, <c>AllRooms</c>: every room is transcribed from its start, and a stop holds for the session.</summary>
public sealed class AllRoomsTranscriptionTests : IAsyncLifetime
{
    private LiveKitRoomHarness _h = null!;

    public async Task InitializeAsync() => _h = await LiveKitRoomHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_room_is_transcribed_from_its_start_and_a_stop_holds_until_a_start_or_the_next_session()
    {
        const string room = "all-rooms";
        var (_, _, aliceTrack) = await _h.PublishAsync(room, "alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var aliceEgress = await _h.WaitForActiveEgressAsync(aliceTrack.Sid);
        var status = await TranscriptionRoutes.GetAsync(_h.Silo.Admin, room);
        Assert.Equal((true, RoomGrain.PolicyRequester), (status.Active, status.RequestedBy));

        await TranscriptionRoutes.StopAsync(_h.Silo.Admin, room);
        await Eventually.HoldsAsync(() => _h.StopRequests(aliceEgress.EgressId) == 1, "alice's egress is stopped");

        // Someone who publishes in the same session after the stop is not transcribed.
        var (_, _, bobTrack) = await _h.PublishAsync(room, "bob", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        await Eventually.HoldsAsync(async () => (await _h.StatusAsync(room, "bob")).TrackSid == bobTrack.Sid, "bob's track is known");
        Assert.Equal(0, _h.StartRequests(bobTrack.Sid));

        // A start brings both back.
        await TranscriptionRoutes.StartAsync(_h.Silo.Admin, room);
        await _h.WaitForActiveEgressAsync(bobTrack.Sid);
        await _h.WaitForActiveEgressAsync(aliceTrack.Sid, aliceEgress.EgressId);

        // A stop, then the session ends: the next session follows the policy again.
        await TranscriptionRoutes.StopAsync(_h.Silo.Admin, room);
        var grain = _h.Grains.GetGrain<IRoomGrain>(room);
        await grain.FinishAsync();
        Assert.False((await grain.GetTranscriptionAsync()).Active);
        await grain.StartAsync();
        Assert.Equal((true, RoomGrain.PolicyRequester), ((await grain.GetTranscriptionAsync()).Active, (await grain.GetTranscriptionAsync()).RequestedBy));
    }
}
