using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Scribe.Silo.Dispatch;

namespace Scribe.Tests.Agent;

/// <summary>
/// Agent dispatch on two silos (issue #21, faults): both register with the stand-in SFU's <c>/agent</c> as workers of
/// one name and LiveKit spreads the jobs over them; the silo of a room's job (the room is placed beside its job) is
/// killed, and the cluster joins the room again from the other within 10 s, with a token of its own, exactly once; a
/// new dispatch of the room then ends at availability, so no second agent comes. The media side is in memory (it
/// records every join and its token); the stand-in plays only LiveKit's dispatch.
/// </summary>
public sealed class AgentDispatchSiloLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string AgentName = "multi-user-transcriber";
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);

    private StandInSfu _sfu = null!;
    private AgentRig _h = null!;

    public async Task InitializeAsync()
    {
        _sfu = await StandInSfu.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
        _h = await AgentRig.StartAsync("Dispatch", silos: 2, new Dictionary<string, string?> { ["LiveKit:Url"] = _sfu.Url.ToString() });
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        await _sfu.DisposeAsync();
    }

    [Fact]
    public async Task Killing_the_silo_of_a_rooms_job_rejoins_it_from_the_other_within_ten_seconds_and_never_twice()
    {
        await Eventually.HoldsAsync(async () => (await EventsAsync("worker_registered")).Count == 2, "both silos register as workers", TimeSpan.FromSeconds(30));

        // Jobs spread: LiveKit picks a worker at random by load, so dispatch until both have taken one.
        var workers = new HashSet<string>();
        for (var i = 0; i < 32 && workers.Count < 2; i++)
        {
            var spread = await _sfu.DispatchAgentAsync($"spread-{i}", AgentName);
            Assert.True(spread["assigned"]!.GetValue<bool>(), spread.ToJsonString());
            workers.Add(await WorkerOfAsync(spread["jobId"]!.GetValue<string>()));
        }

        Assert.Equal(2, workers.Count);

        // Meet's start-subtitle: a dispatch for a room; its grain is placed on the silo that took the job.
        const string room = "dispatched-silo-loss";
        var job = await _sfu.DispatchAgentAsync(room, AgentName);
        Assert.True(job["assigned"]!.GetValue<bool>(), job.ToJsonString());
        var jobSilo = SiloOfWorker(await WorkerOfAsync(job["jobId"]!.GetValue<string>()));
        var host = await _h.Rig.HostOfAsync(_h.Rig.Grains.GetGrain<IRoomGrain>(room));
        Assert.Same(jobSilo, host);

        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(ToneSpeech.RandomSentences(16, seed: 83)));
        await Eventually.HoldsAsync(async () => (await _h.FinalsOfAsync(room, "alice")).Count >= 2, "two sentences are final");
        Assert.Equal(AgentName, AgentNameIn(Assert.Single(_h.Agents.Room(room).Joins).Token)); // the job's token

        var clock = Stopwatch.StartNew();
        await _h.Rig.RemoveSiloAsync(jobSilo, kill: true);

        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Joins.Count == 2 && _h.Agents.Room(room).InRoom, "the room is joined again from the surviving silo", TimeSpan.FromSeconds(60));
        var rejoinedAfter = clock.Elapsed;
        output.WriteLine($"rejoined {rejoinedAfter.TotalSeconds:F1} s after the kill");
        Assert.Null(AgentNameIn(_h.Agents.Room(room).Joins[1].Token)); // the job died with its silo: a token of our own
        await Eventually.HoldsAsync(async () => (await _h.TranscriptAsync(room)).Any(s => s.IsFinal && s.Id.Contains(":2.", StringComparison.Ordinal)),
            "alice is transcribed again from the new join", TimeSpan.FromSeconds(60));
        Assert.True(rejoinedAfter < Recovery, $"the rejoin took {rejoinedAfter.TotalSeconds:F1} s");

        // Meet dispatches again: the surviving worker ends that job at availability, and no second agent joins.
        await Eventually.HoldsAsync(async () => (await EventsAsync("worker_gone")).Count >= 1, "the killed silo's worker is gone", TimeSpan.FromSeconds(30));
        var again = await _sfu.DispatchAgentAsync(room, AgentName);
        Assert.False(again["assigned"]!.GetValue<bool>(), again.ToJsonString());
        Assert.Equal("JS_SUCCESS", again["status"]!.GetValue<string>());
        var status = await _h.Rig.Grains.GetGrain<IRoomGrain>(room).GetTranscriptionAsync();
        Assert.True(status.Active);
        Assert.Equal("dispatch", status.RequestedBy);
        Assert.Equal(2, _h.Agents.Room(room).Joins.Count);
        Assert.Empty(_h.Agents.Room(room).Violations);
    }

    private async Task<IReadOnlyList<StandInEvent>> EventsAsync(string name) =>
        [.. (await _sfu.GetEventsAsync()).Where(e => e.Event == name)];

    private async Task<string> WorkerOfAsync(string jobId) =>
        (await EventsAsync("job_assigned")).Single(e => e.Raw["jobId"]?.GetValue<string>() == jobId).Raw["workerId"]!.GetValue<string>();

    private TestSilo SiloOfWorker(string workerId) =>
        _h.Rig.Silos.Single(s => s.Services.GetServices<IHostedService>().OfType<AgentWorker>().Single().WorkerId == workerId);

    /// <summary>The <c>lk.agent_name</c> attribute a join token carries (LiveKit puts it in a job's token; ours have none).</summary>
    private static string? AgentNameIn(string token)
    {
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        var json = Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '='));
        return JsonNode.Parse(json)?["attributes"]?["lk.agent_name"]?.GetValue<string>();
    }
}
