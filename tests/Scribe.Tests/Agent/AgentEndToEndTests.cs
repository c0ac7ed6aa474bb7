using System.Text.Json.Nodes;
using System.Diagnostics;

namespace Scribe.Tests.Agent;

/// <summary>
/// The agent participant for real (issue #20): a silo in Agent mode, its media process on LiveKit's real SDK, the
/// stand-in SFU playing the room over real WebRTC, flite speech recognised by the embedded local endpoint. Every
/// assertion is on what a viewer in the room received (the SFU's <c>/received</c>) or on the admin API.
/// </summary>
public sealed class AgentEndToEndTests(ITestOutputHelper output)
{
    private const string TranscriptionTopic = "lk.transcription";
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Speakers_are_captioned_in_the_room_by_one_hidden_agent_that_leaves_when_the_room_closes()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var ct = cts.Token;
        var utterances = await SfuMeeting.UtterancesAsync(ct);
        await using var meeting = await SfuMeeting.StartAsync(ct);
        const string room = "standup";

        var alice = await meeting.JoinAndPublishAsync(room, "alice", ct);
        var bob = await meeting.JoinAndPublishAsync(room, "bob", ct);
        await meeting.SpeakAsync(room, "alice", [utterances[0], utterances[1], utterances[2], utterances[3]], Gap, ct);
        await meeting.SpeakAsync(room, "bob", [utterances[5], utterances[6], utterances[7], utterances[8]], Gap, ct);
        await meeting.WaitForFinalsAsync(room, "alice", 4, ct);
        await meeting.WaitForFinalsAsync(room, "bob", 4, ct);

        // A late joiner is transcribed too.
        var carol = await meeting.JoinAndPublishAsync(room, "carol", ct);
        await meeting.SpeakAsync(room, "carol", [utterances[10], utterances[11]], Gap, ct);
        var received = await meeting.WaitForFinalsAsync(room, "carol", 2, ct);

        var speakers = new Dictionary<string, string> { ["alice"] = alice, ["bob"] = bob, ["carol"] = carol };
        foreach (var t in received.Transcriptions)
        {
            output.WriteLine($"{t.ReceivedAt:HH:mm:ss.fff} {t.TranscribedParticipantIdentity} {t.TrackId} {t.Segments[0].Id} final={t.Segments[0].Final} '{t.Segments[0].Text}'");
        }

        AssertCaptions(received, speakers);
        await AssertTranscriptMatchesAsync(meeting, room, received, ct);
        AssertScribeDataMessages(received);
        var (p50, p99, count) = await CaptionLatencyAsync(meeting, room, received, ct);
        output.WriteLine($"caption latency (last packet sent by the SFU -> final transcription received by the SFU) over {count} utterances: p50 {p50} ms, p99 {p99} ms");

        // One hidden agent, joined once.
        var agent = Assert.Single((await meeting.Sfu.GetRoomAsync(room, ct))!.Participants, p => p.Identity == SfuMeeting.AgentIdentity);
        Assert.True(agent.Hidden);
        Assert.Equal("agent", agent.Kind);
        Assert.Single(await meeting.AgentJoinsAsync(room, ct));

        // The room closes: the agent is disconnected with everyone and never comes back.
        await meeting.Sfu.CloseRoomAsync(room, ct);
        await Eventually.HoldsAsync(
            async () => (await meeting.Rig.Silo.Admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/rooms/{room}", UriKind.Relative), ct))
                .GetProperty("finishedAt").ValueKind == JsonValueKind.String,
            "the room is finished in the cluster");
        await AssertAgentStaysOutAsync(meeting, room, ct);
    }

    [Fact]
    public async Task After_a_kill_of_the_media_process_the_agent_rejoins_and_captions_again_keeping_earlier_finals()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var ct = cts.Token;
        var utterances = await SfuMeeting.UtterancesAsync(ct);
        await using var meeting = await SfuMeeting.StartAsync(ct);
        const string room = "restart";

        var alice = await meeting.JoinAndPublishAsync(room, "alice", ct);
        await meeting.SpeakAsync(room, "alice", [utterances[2]], Gap, ct);
        var before = await meeting.WaitForFinalsAsync(room, "alice", 1, ct);
        var finalsBefore = Finals(before, "alice");
        var runs = meeting.Media.Runs;
        var joins = (await meeting.AgentJoinsAsync(room, ct)).Count;
        var pid = meeting.Media.ProcessId ?? throw new InvalidOperationException("no media process");

        // Alice goes on speaking; the media process is killed one second into her next sentence.
        await meeting.SpeakAsync(room, "alice", [utterances[3], utterances[4], utterances[7]], TimeSpan.FromSeconds(1), ct);
        await Eventually.HoldsAsync(
            async () => (await meeting.Sfu.GetRoomAsync(room, ct))!.Participants.Single(p => p.Identity == "alice").Tracks.Single().PacketsSent > 50,
            "alice is one second into her sentence");
        var seen = (await meeting.Sfu.GetReceivedAsync(room, ct)).Transcriptions.Select(t => t.Segments[0].Id).ToHashSet();
        var killedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using (var child = Process.GetProcessById(pid))
        {
            child.Kill(); // SIGKILL: no leave, no goodbye
        }

        await Eventually.HoldsAsync(() => meeting.Media.Runs > runs && meeting.Media.ProcessId != pid, "the media process is restarted", TimeSpan.FromSeconds(10));
        var restarted = clock.Elapsed;
        // The SFU still holds the dead agent's session until it times out: wait for the new one's join.
        await Eventually.HoldsAsync(async () => (await meeting.AgentJoinsAsync(room, ct)).Count > joins, "the agent joins again", TimeSpan.FromSeconds(30));
        await meeting.WaitSubscribedAsync(room, alice, ct, TimeSpan.FromSeconds(30));
        var rejoined = clock.Elapsed;
        var firstCaption = await Eventually.ReturnsAsync(
            async () => (await meeting.Sfu.GetReceivedAsync(room, ct)).Transcriptions.FirstOrDefault(t => t.ReceivedAt > killedAt && !seen.Contains(t.Segments[0].Id)),
            t => t is not null,
            "alice is captioned again",
            TimeSpan.FromSeconds(30));
        var captionedAgain = firstCaption!.ReceivedAt - killedAt;
        output.WriteLine($"kill -9 of the media process -> restarted {restarted.TotalMilliseconds:0} ms, agent joined and subscribed again {rejoined.TotalMilliseconds:0} ms, alice captioned again (first new segment at the SFU) {captionedAgain.TotalMilliseconds:0} ms");
        var after = await meeting.WaitForFinalsAsync(room, "alice", 4, ct);

        // The issue's bar is 5 s (3.3-3.5 s measured on a quiet machine, README); here only that she is captioned
        // again before her sentences are over, since a test's timing bar fails on a loaded machine, not on a fault.
        Assert.True(captionedAgain < TimeSpan.FromSeconds(15), $"captioned again {captionedAgain.TotalMilliseconds:0} ms after the kill");
        Assert.True(Finals(after, "alice").Count > finalsBefore.Count);
        var transcript = await meeting.Rig.Silo.TranscriptAsync(room, ct);
        foreach (var (id, text) in finalsBefore)
        {
            Assert.Contains(transcript, s => s.Id == id && s.IsFinal && s.Text == text);
        }

        AssertCaptions(after, new Dictionary<string, string> { ["alice"] = alice });
    }

    private static Dictionary<string, string> Finals(StandInReceived received, string speaker) =>
        received.Transcriptions.Where(t => t.TranscribedParticipantIdentity == speaker)
            .SelectMany(t => t.Segments).Where(s => s.Final).ToDictionary(s => s.Id, s => s.Text);

    /// <summary>Legacy transcriptions attributed to speaker and track, interim then one final per id, never empty; a matching text stream for each.</summary>
    private static void AssertCaptions(StandInReceived received, IReadOnlyDictionary<string, string> speakers)
    {
        Assert.NotEmpty(received.Transcriptions);
        var sawInterimFirst = false;
        foreach (var transcription in received.Transcriptions)
        {
            Assert.True(speakers.TryGetValue(transcription.TranscribedParticipantIdentity, out var track), $"transcription for {transcription.TranscribedParticipantIdentity}");
            Assert.Equal(track, transcription.TrackId);
            var segment = Assert.Single(transcription.Segments);
            Assert.False(string.IsNullOrWhiteSpace(segment.Text));
        }

        foreach (var bySegment in received.Transcriptions.GroupBy(t => t.Segments[0].Id))
        {
            var updates = bySegment.Select(t => t.Segments[0]).ToList();
            Assert.Single(bySegment.Select(t => t.TranscribedParticipantIdentity).Distinct());
            // Interims first, then the one final: nothing under this id after it, and no caption left hanging.
            Assert.True(updates[^1].Final, $"segment {bySegment.Key}: its last update is not final ('{updates[^1].Text}')");
            Assert.Single(updates, u => u.Final);
            sawInterimFirst |= updates.Count > 1;
        }

        Assert.True(sawInterimFirst, "no segment was shown as an interim before its final");
        foreach (var speaker in speakers.Keys)
        {
            Assert.Contains(received.Transcriptions, t => t.TranscribedParticipantIdentity == speaker && t.Segments[0].Final);
        }

        var streams = received.TextStreams.Where(s => s.Topic == TranscriptionTopic).ToList();
        foreach (var transcription in received.Transcriptions)
        {
            var segment = transcription.Segments[0];
            Assert.True(
                streams.Any(s => s.SenderIdentity == transcription.TranscribedParticipantIdentity
                    && s.Attributes.GetValueOrDefault("lk.segment_id") == segment.Id
                    && s.Attributes.GetValueOrDefault("lk.transcribed_track_id") == transcription.TrackId
                    && s.Attributes.GetValueOrDefault("lk.transcription_final") == (segment.Final ? "true" : "false")
                    && s.Text == segment.Text),
                $"no {TranscriptionTopic} text stream for {transcription.TranscribedParticipantIdentity}'s {segment.Id} (final {segment.Final}) '{segment.Text}'; streams: "
                + string.Join(" | ", streams.Select(s => $"{s.SenderIdentity} {s.Attributes.GetValueOrDefault("lk.segment_id")} {s.Attributes.GetValueOrDefault("lk.transcription_final")} '{s.Text}'")));
        }

        Assert.All(streams, s => Assert.True(speakers.ContainsKey(s.SenderIdentity), $"text stream sent as '{s.SenderIdentity}'"));
    }

    /// <summary>The <c>lk.scribe.transcript</c> upserts come from the agent too (sender blank: it is hidden), a final for each final caption.</summary>
    private static void AssertScribeDataMessages(StandInReceived received)
    {
        var messages = received.Data.Where(d => d.Topic == "lk.scribe.transcript").ToList();
        Assert.All(messages, m => Assert.Equal("", m.Sender));
        var finals = messages.Select(m => JsonNode.Parse(m.Bytes)!.AsObject())
            .Where(m => m["type"]?.GetValue<string>() == "segment" && m["final"]?.GetValue<bool>() == true)
            .ToDictionary(m => m["id"]!.GetValue<string>(), m => m["text"]!.GetValue<string>());
        foreach (var transcription in received.Transcriptions.Where(t => t.Segments[0].Final))
        {
            Assert.Equal(transcription.Segments[0].Text, finals.GetValueOrDefault(transcription.Segments[0].Id));
        }
    }

    private static async Task AssertTranscriptMatchesAsync(SfuMeeting meeting, string room, StandInReceived received, CancellationToken ct)
    {
        var transcript = await meeting.Rig.Silo.TranscriptAsync(room, ct);
        var finals = received.Transcriptions.SelectMany(t => t.Segments.Where(s => s.Final).Select(s => (t.TranscribedParticipantIdentity, s.Id, s.Text)))
            .OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
        var stored = transcript.Where(s => s.IsFinal).Select(s => (s.Speaker, s.Id, s.Text)).OrderBy(f => f.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(stored, finals);
    }

    /// <summary>For each utterance: the SFU's send time of its last packet to the first final for that speaker received after it.</summary>
    private static async Task<(long P50, long P99, int Count)> CaptionLatencyAsync(SfuMeeting meeting, string room, StandInReceived received, CancellationToken ct)
    {
        var played = (await meeting.Sfu.GetEventsAsync(ct)).Where(e => e.Event == "utterance_played" && e.Room == room).ToList();
        var latencies = played.Select(p => (long)(received.Transcriptions
                .Where(t => t.TranscribedParticipantIdentity == p.Identity && t.Segments[0].Final && t.ReceivedAt >= p.LastPacketAt)
                .Min(t => t.ReceivedAt) - p.LastPacketAt!.Value).TotalMilliseconds)
            .Order().ToList();
        return (Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count);
    }

    private static long Percentile(List<long> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static async Task AssertAgentStaysOutAsync(SfuMeeting meeting, string room, CancellationToken ct)
    {
        var joins = (await meeting.AgentJoinsAsync(room, ct)).Count;
        // A rejoin would come at once (the room's rejoin starts without delay): watch for it a while.
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(4))
        {
            Assert.Null(await meeting.Sfu.GetRoomAsync(room, ct));
            Assert.Equal(joins, (await meeting.AgentJoinsAsync(room, ct)).Count);
            await Task.Delay(200, ct);
        }
    }
}
