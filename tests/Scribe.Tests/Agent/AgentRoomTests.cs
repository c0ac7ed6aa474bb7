using Scribe.Agent;
using Scribe.Captions;

namespace Scribe.Tests.Agent;

/// <summary>
/// <c>LiveKit:Audio</c> = <c>Agent</c> through a real silo: webhooks bring the agent in, the in-memory media side plays
/// tone speech as 16 kHz tracks (silence left out, as DTX does), the strict fake vLLM transcribes, and what the agent
/// publishes into the room is checked against the contract.
/// </summary>
public sealed class AgentRoomTests : IAsyncLifetime
{
    private AgentRig _h = null!;

    public async Task InitializeAsync() => _h = await AgentRig.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_room_is_joined_once_for_all_its_speakers_and_each_segment_is_captioned_interim_then_final_under_its_id()
    {
        const string room = "agent-meeting";
        var alice = ToneSpeech.RandomSentences(3, seed: 21);
        var bob = ToneSpeech.RandomSentences(3, seed: 22);
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(alice));
        await _h.JoinAndPublishAsync(room, "bob", AgentRig.Speech(bob));

        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count == 3 && (await _h.FinalsOfAsync(room, "bob")).Count == 3, "both speakers' sentences are final");

        Assert.Equal(alice, await _h.FinalsOfAsync(room, "alice"));
        Assert.Equal(bob, await _h.FinalsOfAsync(room, "bob"));
        var agentRoom = _h.Agents.Room(room);
        var join = Assert.Single(agentRoom.Joins);
        Assert.Equal("scribe", join.Identity);
        Assert.Equal(["standard"], join.TranscribeKinds);
        Assert.Empty(_h.Rig.LiveKit.Egresses); // the agent path requests no egress

        // Every final segment reached the room as a caption under its own id, after any interim of it, none empty.
        var finals = (await _h.TranscriptAsync(room)).ToList();
        await Eventually.HoldsAsync(() => finals.All(f => agentRoom.Captions.Any(c => c.SegmentId == f.Id && c.Final)), "every final is captioned");
        var captions = agentRoom.Captions;
        Assert.Empty(agentRoom.Violations);
        foreach (var segment in finals)
        {
            var mine = captions.Where(c => c.SegmentId == segment.Id).ToList();
            var final = Assert.Single(mine, c => c.Final);
            Assert.Equal((segment.Speaker, segment.TrackSid, segment.Text, segment.StartMs, segment.EndMs), (final.Speaker, final.TrackSid, final.Text, final.StartMs, final.EndMs));
            Assert.True(mine[^1].Final, $"nothing follows the final of {segment.Id}");
        }

        Assert.Contains(captions, c => !c.Final); // interim text went out before finals
        // Our own data messages still go into the room, now through the agent: the status and the segment upserts.
        var data = agentRoom.Data.Where(d => d.Topic == TranscriptDataMessage.Topic).Select(d => JsonDocument.Parse(d.Payload).RootElement).ToList();
        Assert.Contains(data, d => d.GetProperty("type").GetString() == "status" && d.GetProperty("active").GetBoolean());
        Assert.Equal(6, data.Count(d => d.GetProperty("type").GetString() == "segment" && d.GetProperty("final").GetBoolean()));
    }

    [Fact]
    public async Task The_agents_own_token_joins_one_room_hidden_as_an_agent_that_only_subscribes_and_sends_data()
    {
        const string room = "agent-token";
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(ToneSpeech.RandomSentences(1, seed: 3)));
        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Joins.Count == 1, "the agent joined");

        var join = _h.Agents.Room(room).Joins[0];
        var claims = new AccessTokenVerifier(TestSilo.LiveKitKey, TestSilo.LiveKitSecret).Verify(join.Token);
        Assert.Equal(("scribe", "agent"), (claims.Identity, claims.Kind));
        Assert.Equal(new VideoGrant { RoomJoin = true, Room = room, Hidden = true, Agent = true, CanSubscribe = true, CanPublishData = true, CanPublish = false }, claims.Video);
        Assert.Equal(AgentToken.Ttl, claims.ExpiresAt - claims.NotBefore);
        Assert.StartsWith("ws://", join.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_participants_in_webhooks_never_become_speakers()
    {
        const string room = "agent-webhooks";
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(ToneSpeech.RandomSentences(1, seed: 4)));
        foreach (var identity in new[] { "scribe", "other-agent" })
        {
            var agent = _h.Rig.LiveKit.AddParticipant(room, identity, identity, ParticipantKind.Agent);
            var track = _h.Rig.LiveKit.AddAudioTrack(room, identity, "TR_" + identity, ReadOnlyMemory<byte>.Empty);
            Assert.Equal(200, (await _h.Rig.Webhooks.ParticipantJoinedAsync(_h.Rig.WebhookUrl, _h.Rig.LiveKit.GetRoom(room), agent, CancellationToken.None)).HttpStatus);
            Assert.Equal(200, (await _h.Rig.Webhooks.TrackPublishedAsync(_h.Rig.WebhookUrl, _h.Rig.LiveKit.GetRoom(room), agent, track, CancellationToken.None)).HttpStatus);
            Assert.Equal(200, (await _h.Rig.Webhooks.ParticipantLeftAsync(_h.Rig.WebhookUrl, _h.Rig.LiveKit.GetRoom(room), agent, CancellationToken.None)).HttpStatus);
        }

        var summary = await _h.Rig.Grains.GetGrain<IRoomGrain>(room).GetSummaryAsync();
        Assert.Equal(["alice"], summary!.Speakers);
        Assert.Single(_h.Agents.Room(room).Joins);
    }

    [Fact]
    public async Task A_late_joiner_is_transcribed_in_the_same_join_and_an_unpublished_or_muted_speaker_stops_alone()
    {
        const string room = "agent-late";
        var alice = ToneSpeech.RandomSentences(6, seed: 31);
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(alice));
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count >= 1, "alice's first sentence is final");

        var bob = ToneSpeech.RandomSentences(2, seed: 32);
        await _h.JoinAndPublishAsync(room, "bob", AgentRig.Speech(bob));
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "bob")).Count == 2, "the late joiner's sentences are final");
        Assert.Equal(bob, await _h.FinalsOfAsync(room, "bob"));

        // Alice mutes: no frames come; her stream says so and the room goes on.
        _h.Agents.Room(room).Mute("alice", true);
        await Eventually.HoldsAsync(async () => (await _h.StatusAsync(room, "alice")).State == SpeakerState.Muted, "alice shows muted");
        _h.Agents.Room(room).Mute("alice", false);
        await Eventually.HoldsAsync(async () => (await _h.StatusAsync(room, "alice")).State != SpeakerState.Muted, "alice shows unmuted");
        _h.Agents.Room(room).Mute("alice", true);
        await Eventually.HoldsAsync(async () => (await _h.StatusAsync(room, "alice")).State == SpeakerState.Muted, "alice shows muted again");

        // Bob unpublishes: his stream ends; alice's is untouched.
        var bobTrack = _h.Rig.LiveKit.GetParticipant(room, "bob").Tracks.Single();
        _h.Agents.Room(room).Unpublish("bob");
        Assert.Equal(200, (await _h.Rig.Webhooks.TrackUnpublishedAsync(_h.Rig.WebhookUrl, _h.Rig.LiveKit.GetRoom(room), _h.Rig.LiveKit.GetParticipant(room, "bob"), bobTrack, CancellationToken.None)).HttpStatus);
        await Eventually.HoldsAsync(async () => (await _h.StatusAsync(room, "bob")).TrackSid is null, "bob's stream ended");
        Assert.Equal(SpeakerState.Muted, (await _h.StatusAsync(room, "alice")).State);
        Assert.Single(_h.Agents.Room(room).Joins);
        Assert.Empty(_h.Agents.Room(room).Violations);
    }

    [Fact]
    public async Task A_track_with_no_packets_or_broken_offsets_idles_its_speaker_and_nothing_else()
    {
        const string room = "agent-garbage";
        var alice = ToneSpeech.RandomSentences(3, seed: 71);
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "silent", new short[16_000 * 4]); // digital silence: no packet at all (DTX)
        var noise = new short[320];
        Array.Fill(noise, (short)3);
        _h.Agents.Room(room).AddParticipant("broken");
        _h.Agents.Room(room).PublishRaw("broken", [
            new PcmFrame(5_000_000_000, noise), new PcmFrame(0, noise), new PcmFrame(0, ReadOnlyMemory<short>.Empty), new PcmFrame(uint.MaxValue, noise), new PcmFrame(100, noise),
        ]);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(alice));

        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count == 3, "alice is transcribed beside them");
        Assert.Equal(alice, await _h.FinalsOfAsync(room, "alice"));
        Assert.DoesNotContain(await _h.TranscriptAsync(room), s => s.Speaker is "silent" or "broken");
        foreach (var identity in new[] { "silent", "broken" })
        {
            var status = await _h.StatusAsync(room, identity);
            Assert.True(status.State is SpeakerState.Idle or SpeakerState.Streaming, $"{identity} is {status.State}");
            Assert.Null(status.Error);
        }

        Assert.Single(_h.Agents.Room(room).Joins);
    }

    [Fact]
    public async Task A_stall_of_the_feed_in_the_middle_of_a_sentence_is_not_heard_as_a_pause()
    {
        const string room = "agent-stall";
        var alice = ToneSpeech.RandomSentences(2, seed: 73);
        await _h.RoomStartedAsync(room);

        // 0.4 s into the first sentence nothing comes for 1.5 s (well over the 600 ms pause that ends an utterance),
        // then the frames held back arrive at once: the speaker never paused, so neither does the transcript.
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(alice), stall: (16_000 * 7 / 10, TimeSpan.FromSeconds(1.5)));

        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count >= 2, "alice's sentences are final");
        Assert.Equal(alice, await _h.FinalsOfAsync(room, "alice"));
    }

    [Fact]
    public async Task The_agent_leaves_when_nobody_is_left_and_after_the_room_finished_never_joins_it_again()
    {
        const string room = "agent-finish";
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(ToneSpeech.RandomSentences(1, seed: 41)));
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count == 1, "alice's sentence is final");

        await _h.LeaveAsync(room, "alice");
        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Leaves == 1, "the agent left the room nobody is transcribed in");

        // Woken for a room nobody is left in (a silo loss elsewhere resumes every active room): in and straight out.
        await _h.Rig.Grains.GetGrain<IRoomGrain>(room).ResumeSpeakersAsync();
        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Joins.Count == 2 && _h.Agents.Room(room).Leaves == 2, "the agent left the empty room again");

        // Someone comes back: the agent joins again; then the room finishes and the agent leaves for good.
        await _h.JoinAndPublishAsync(room, "bob", AgentRig.Speech(ToneSpeech.RandomSentences(1, seed: 42)));
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "bob")).Count == 1, "bob's sentence is final");
        Assert.Equal(3, _h.Agents.Room(room).Joins.Count);
        _h.Agents.Room(room).Close();
        Assert.Equal(200, (await _h.Rig.Webhooks.RoomFinishedAsync(_h.Rig.WebhookUrl, _h.Rig.LiveKit.GetRoom(room), CancellationToken.None)).HttpStatus);
        await Eventually.HoldsAsync(async () => (await _h.Rig.Grains.GetGrain<IRoomGrain>(room).GetSummaryAsync())!.State == RoomState.Finished, "the room finished");

        // Late webhooks and a silo-loss resume must not bring it back.
        await _h.Rig.Grains.GetGrain<IRoomGrain>(room).ResumeSpeakersAsync();
        var late = _h.Rig.LiveKit.AddParticipant(room, "carol", "Carol");
        await _h.Rig.Webhooks.ParticipantJoinedAsync(_h.Rig.WebhookUrl, _h.Rig.LiveKit.GetRoom(room), late, CancellationToken.None);
        await _h.Rig.Grains.GetGrain<IRoomGrain>(room).GetSummaryAsync(); // the room's turns above have run
        Assert.Equal(3, _h.Agents.Room(room).Joins.Count);
    }

    [Fact]
    public async Task A_lost_connection_is_rejoined_and_the_finals_from_before_stay()
    {
        const string room = "agent-rejoin";
        var alice = ToneSpeech.RandomSentences(5, seed: 51);
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(alice));
        _h.Agents.Room(room).Reconnect(resumed: true); // the SDK's own resume: nothing to do, the same join goes on
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count >= 2, "two sentences are final");
        Assert.Single(_h.Agents.Room(room).Joins);
        var before = (await _h.TranscriptAsync(room)).Where(s => s.IsFinal).ToList();

        _h.Agents.Room(room).Reconnect(resumed: false);
        _h.Agents.Room(room).DropAgent(); // the SDK gave up resuming (or the media process died)
        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Joins.Count == 2 && _h.Agents.Room(room).InRoom, "the agent rejoined");
        await Eventually.HoldsAsync(async () => (await _h.TranscriptAsync(room)).Any(s => s.IsFinal && s.Id.Contains(":2.", StringComparison.Ordinal)),
            "the resubscribed track is transcribed under new segment ids");

        var after = await _h.TranscriptAsync(room);
        foreach (var final in before)
        {
            Assert.Contains(after, s => s.Id == final.Id && s.IsFinal && s.Text == final.Text);
        }
    }
}
