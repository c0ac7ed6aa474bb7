using Scribe.Tests.Transcription;

namespace Scribe.Tests.Agent;

/// <summary>Agent mode under <c>Transcription:Activation</c> = <c>OnRequest</c>: PUT brings the agent in, DELETE lets the streams finish what is in flight, then the agent leaves.</summary>
public sealed class AgentOnRequestTests : IAsyncLifetime
{
    private AgentRig _h = null!;

    public async Task InitializeAsync() => _h = await AgentRig.StartAsync("OnRequest");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Put_joins_and_delete_leaves_after_the_utterance_under_way_is_final()
    {
        const string room = "agent-on-request";
        var alice = ToneSpeech.RandomSentences(8, seed: 61);
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(alice));
        var agentRoom = _h.Agents.Room(room);
        Assert.Empty(agentRoom.Joins); // nobody asked for transcription: the agent stays out

        await TranscriptionRoutes.StartAsync(_h.Rig.Silo.Admin, room, """{"language": "fr"}""");
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count >= 1, "alice is transcribed after the start");
        await Eventually.HoldsAsync(async () => (await _h.TranscriptAsync(room)).Any(s => !s.IsFinal && s.Text.Length > 0), "an utterance is under way");

        await TranscriptionRoutes.StopAsync(_h.Rig.Silo.Admin, room);
        await Eventually.HoldsAsync(() => agentRoom.Leaves == 1, "the agent left after the stop");

        // Everything under way was finished before the agent left, and its final caption went out while it was in.
        var transcript = await _h.TranscriptAsync(room);
        Assert.All(transcript, s => Assert.True(s.IsFinal, $"{s.Id} is final"));
        Assert.All(transcript, s => Assert.Contains(agentRoom.Captions, c => c.SegmentId == s.Id && c.Final));
        Assert.Empty(agentRoom.Violations);
        Assert.All(agentRoom.Captions, c => Assert.Equal("fr", c.Language)); // the language asked for, as the captions know it
        Assert.Single(agentRoom.Joins);
        Assert.Equal(alice.Take(transcript.Count), transcript.OrderBy(s => s.StartMs).Select(s => s.Text));
    }
}
