using System.Diagnostics;

namespace Scribe.Tests.Participants;

/// <summary>
/// The participant's transcription gate against a silo, a fake LiveKit and a fake vLLM: a track published while the
/// room is not transcribed opens nothing; turning transcription on starts a fresh egress; turning it off ends the
/// stream at the speaker's next pause, its last utterance whole, then stops the egress, keeping track and usage.
/// </summary>
public sealed class TranscriptionGateTests : IAsyncLifetime
{
    private const string First = "a20 b20 c20";
    private const string Long = "g30 h30 g30 h30 g30 h30 g30 h30";
    private const string Third = "d20 e20 f20";

    private LiveKitRoomHarness _h = null!;

    // Real time, so transcription can be turned off while a sentence is being spoken.
    public async Task InitializeAsync() => _h = await LiveKitRoomHarness.StartAsync(pace: 1.0);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Publishes alice's track at the fake LiveKit and tells her grain, as the room would, whether to transcribe it.</summary>
    private async Task<(IParticipantGrain Grain, string TrackSid)> PublishAsync(string room, byte[] pcm, EgressAudioScript script, bool transcribe)
    {
        var participant = _h.LiveKit.AddParticipant(room, "alice", "Alice");
        var track = _h.LiveKit.AddAudioTrack(room, "alice", "TR_alice", pcm, script);
        var info = new ParticipantInfo("alice", "Alice", participant.Sid);
        await _h.Grains.GetGrain<IRoomGrain>(room).ParticipantJoinedAsync(info);
        var grain = _h.Participant(room, "alice");
        await grain.StartTrackAsync(info, new TrackInfo(track.Sid, false), transcribe);
        return (grain, track.Sid);
    }

    private async Task<IReadOnlyList<TranscriptSegment>> WaitForSegmentAsync(string room, Func<TranscriptSegment, bool> match, string what)
    {
        IReadOnlyList<TranscriptSegment> transcript = [];
        await Eventually.HoldsAsync(async () => (transcript = await _h.TranscriptAsync(room)).Any(match), what);
        return transcript;
    }

    [Fact]
    public async Task A_track_of_an_untranscribed_room_opens_nothing_until_transcription_is_turned_on()
    {
        var (alice, trackSid) = await PublishAsync("gated", new Meeting([("alice", First)]).Tracks["alice"], EgressAudioScript.Default, transcribe: false);

        await Eventually.HoldsAsync(async () => (await alice.GetStatusAsync()).TrackSid == trackSid, "the track is recorded");
        var status = await alice.GetStatusAsync();
        Assert.Equal((SpeakerState.Stopped, (string?)null), (status.State, status.EgressId));
        Assert.Equal(0, _h.StartRequests(trackSid));
        Assert.Empty(_h.EgressesOf(trackSid));
        Assert.Equal(0, _h.Vllm.SessionsOpened);

        await alice.SetTranscriptionAsync(true);
        await alice.SetTranscriptionAsync(true);

        var transcript = await WaitForSegmentAsync("gated", s => s.IsFinal, "a final segment");
        Assert.Equal(First, Assert.Single(transcript).Text);
        Assert.Equal(1, _h.StartRequests(trackSid));
        Assert.True(_h.Vllm.SessionsOpened >= 1);
        Assert.Empty(_h.Vllm.Violations);
    }

    [Fact]
    public async Task Transcription_off_ends_at_the_next_pause_with_the_last_utterance_whole_then_stops_the_egress()
    {
        var pcm = new Meeting([("alice", First), ("alice", Long), ("alice", Third)]).Tracks["alice"];
        var (alice, trackSid) = await PublishAsync("paused", pcm, LiveKitRoomHarness.QuietAndOpen, transcribe: true);
        var egress = await _h.WaitForActiveEgressAsync(trackSid);

        // Alice is in the middle of the long sentence: its first words are in, its end is not.
        await WaitForSegmentAsync("paused", s => !s.IsFinal && s.Text.StartsWith("g30", StringComparison.Ordinal), "the long sentence under way");
        var clock = Stopwatch.StartNew();
        await alice.SetTranscriptionAsync(false);
        await alice.SetTranscriptionAsync(false);

        await Eventually.HoldsAsync(() => _h.StopRequests(egress.EgressId) == 1, "the egress is stopped");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the egress was stopped {clock.Elapsed} after transcription was turned off");
        var transcript = await WaitForSegmentAsync("paused", s => s.IsFinal && s.Text.StartsWith("g30", StringComparison.Ordinal), "the long sentence's final");
        Assert.Equal([First, Long], transcript.Where(s => s.IsFinal).Select(s => s.Text));
        Assert.DoesNotContain(transcript, s => s.Text.Contains("d20", StringComparison.Ordinal));

        var status = await alice.GetStatusAsync();
        Assert.Equal((SpeakerState.Stopped, trackSid, (string?)null), (status.State, status.TrackSid, status.EgressId));
        Assert.True(status.Usage!.SpeechSeconds > 0);
        Assert.Equal(1, _h.StopRequests(egress.EgressId));

        // On again, twice: one fresh egress for the same track.
        await alice.SetTranscriptionAsync(true);
        await alice.SetTranscriptionAsync(true);
        await _h.WaitForActiveEgressAsync(trackSid, egress.EgressId);
        Assert.Equal(2, _h.StartRequests(trackSid));
        Assert.True((await alice.GetStatusAsync()).Usage!.SpeechSeconds >= status.Usage.SpeechSeconds);
        Assert.Empty(_h.Vllm.Violations);
    }
}
