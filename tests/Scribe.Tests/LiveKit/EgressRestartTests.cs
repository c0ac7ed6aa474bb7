using Scribe.Captions;

namespace Scribe.Tests.LiveKit;

/// <summary>An egress that dies under a published track is restarted, and the transcript goes on; transcripts reach the room.</summary>
public sealed class EgressRestartTests : IAsyncLifetime
{
    private const string Sentence = "a20 e20 h20";
    private LiveKitRoomHarness _h = null!;

    public async Task InitializeAsync() => _h = await LiveKitRoomHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_killed_egress_is_restarted_and_the_transcript_continues()
    {
        var meeting = new Meeting([("alice", Sentence)]);
        var (_, _, track) = await _h.PublishAsync("killed", "alice", meeting.Tracks["alice"]);
        var first = await _h.WaitForActiveEgressAsync(track.Sid);

        _h.LiveKit.KillEgress(first.EgressId); // the egress worker crashes: no close frame

        var second = await _h.WaitForActiveEgressAsync(track.Sid, first.EgressId);
        var ended = await _h.LiveKit.WaitForEgressEndAsync(second.EgressId, new CancellationTokenSource(LiveKitRoomHarness.Patience).Token);
        Assert.Equal(EgressStatus.Complete, ended.Status);
        Assert.Equal(EgressStatus.Failed, _h.LiveKit.GetEgress(first.EgressId).Status);

        // The new egress feeds a new stream (epoch 2): its segment completes with the whole sentence.
        IReadOnlyList<TranscriptSegment> transcript = [];
        await Eventually.HoldsAsync(async () =>
        {
            transcript = await _h.TranscriptAsync("killed");
            return transcript.Any(s => s.IsFinal && s.Id.StartsWith("alice:TR_alice:2.", StringComparison.Ordinal));
        }, "a final segment from the restarted egress");
        Assert.Equal(Sentence, transcript.Single(s => s.IsFinal && s.Id.StartsWith("alice:TR_alice:2.", StringComparison.Ordinal)).Text);
        Assert.Equal(2, _h.StartRequests(track.Sid));
        Assert.Empty(_h.Vllm.Violations);
    }

    [Fact]
    public async Task Segments_are_sent_into_the_room_as_reliable_data_on_the_transcript_topic()
    {
        var meeting = new Meeting([("alice", Sentence)]);
        var (_, _, track) = await _h.PublishAsync("data", "alice", meeting.Tracks["alice"]);
        var egress = await _h.WaitForActiveEgressAsync(track.Sid);
        await _h.LiveKit.WaitForEgressEndAsync(egress.EgressId, new CancellationTokenSource(LiveKitRoomHarness.Patience).Token);

        List<JsonElement> messages = [];
        await Eventually.HoldsAsync(() =>
        {
            messages = [.. SegmentPackets().Select(p => JsonDocument.Parse(p.Data).RootElement.Clone())];
            return messages.Any(m => m.GetProperty("final").GetBoolean());
        }, "a final segment reaches the room");

        // Besides segments, alice alone was told on joining that transcription is on (a status message).
        Assert.All(_h.LiveKit.SentData.Where(p => p.Room == "data"), p =>
        {
            Assert.Equal(TranscriptDataMessage.Topic, p.Topic);
            Assert.Equal(DataPacketKind.Reliable, p.Kind);
        });
        Assert.All(SegmentPackets(), p => Assert.Empty(p.DestinationIdentities));
        var final = Assert.Single(messages, m => m.GetProperty("final").GetBoolean());
        Assert.Equal(Sentence, final.GetProperty("text").GetString());
        Assert.Equal("alice", final.GetProperty("speaker").GetString());
        Assert.Equal("Alice", final.GetProperty("speakerName").GetString());
        Assert.True(final.GetProperty("endMs").GetInt64() > final.GetProperty("startMs").GetInt64());
        var id = final.GetProperty("id").GetString();
        Assert.All(messages, m => Assert.Equal(id, m.GetProperty("id").GetString())); // interim and final upsert one entry
        Assert.Equal(final.GetRawText(), messages[^1].GetRawText()); // nothing after the final
        var stored = Assert.Single(await _h.TranscriptAsync("data"));
        Assert.Equal(stored.Id, id);
    }

    private List<Fakes.LiveKit.SentDataPacket> SegmentPackets() =>
        [.. _h.LiveKit.SentData.Where(p => p.Room == "data" && JsonDocument.Parse(p.Data).RootElement.GetProperty("type").GetString() == TranscriptDataMessage.MessageType)];
}
