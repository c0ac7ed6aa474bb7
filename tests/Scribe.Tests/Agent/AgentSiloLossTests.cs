using System.Diagnostics;

namespace Scribe.Tests.Agent;

/// <summary>Two silos on Redis in Agent mode: the silo whose room grain holds the agent connection dies, and the room rejoins from the other.</summary>
public sealed class AgentSiloLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);

    private AgentRig _h = null!;

    public async Task InitializeAsync() => _h = await AgentRig.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Killing_the_rooms_silo_rejoins_from_another_within_ten_seconds_and_keeps_the_finals()
    {
        const string room = "agent-silo-loss";
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(ToneSpeech.RandomSentences(16, seed: 81)));
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count >= 2, "two sentences are final");

        var victim = await _h.Rig.HostOfAsync(_h.Rig.Grains.GetGrain<IRoomGrain>(room));
        var speaker = await _h.Rig.HostOfAsync(_h.Rig.Grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(room, "alice")));
        Assert.Same(victim, speaker); // the speaker's stream lives where the agent's PCM is
        var before = (await _h.TranscriptAsync(room)).Where(s => s.IsFinal).ToList();
        var clock = Stopwatch.StartNew();
        await _h.Rig.RemoveSiloAsync(victim, kill: true);

        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Joins.Count == 2, "the room rejoined from the surviving silo", patience: TimeSpan.FromSeconds(60));
        var rejoinedAfter = clock.Elapsed;
        output.WriteLine($"rejoined {rejoinedAfter.TotalSeconds:F1} s after the kill");
        await Eventually.HoldsAsync(async () => (await _h.TranscriptAsync(room)).Any(s => s.IsFinal && s.Id.Contains(":2.", StringComparison.Ordinal)),
            "alice is transcribed again from the new join", patience: TimeSpan.FromSeconds(60));

        var after = await _h.TranscriptAsync(room);
        Assert.All(before, final => Assert.Contains(after, s => s.Id == final.Id && s.IsFinal && s.Text == final.Text));
        Assert.True(rejoinedAfter < Recovery, $"the rejoin took {rejoinedAfter.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Stopping_the_rooms_silo_gracefully_moves_the_room_and_its_agent_rejoins_from_another()
    {
        const string room = "agent-silo-stop";
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(ToneSpeech.RandomSentences(16, seed: 82)));
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count >= 2, "two sentences are final");
        var victim = await _h.Rig.HostOfAsync(_h.Rig.Grains.GetGrain<IRoomGrain>(room));
        var before = (await _h.TranscriptAsync(room)).Where(s => s.IsFinal).ToList();

        await _h.Rig.RemoveSiloAsync(victim, kill: false);

        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Joins.Count == 2 && _h.Agents.Room(room).InRoom, "the room rejoined from the other silo");
        await Eventually.HoldsAsync(async () => (await _h.TranscriptAsync(room)).Any(s => s.IsFinal && s.Id.Contains(":2.", StringComparison.Ordinal)),
            "alice is transcribed again from the new join");
        var after = await _h.TranscriptAsync(room);
        Assert.All(before, final => Assert.Contains(after, s => s.Id == final.Id && s.IsFinal && s.Text == final.Text));
        Assert.DoesNotContain(_h.Agents.Room(room).Violations, v => v.StartsWith("empty", StringComparison.Ordinal));
    }
}
