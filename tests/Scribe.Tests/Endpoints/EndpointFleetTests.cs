namespace Scribe.Tests.Endpoints;

/// <summary>
/// Three fake vLLM servers of different capacities behind one real silo: its registry, probes and balancer.
/// Speakers are driven straight into transcribers on the silo's balancer, so sixty of them fit in seconds.
/// </summary>
public sealed class EndpointFleetTests : IAsyncLifetime
{
    private readonly List<FakeVllmServer> _servers = [];
    private readonly List<FleetSpeaker> _speakers = [];
    private TestSilo _silo = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(params int[] capacities)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Inference:ProbeIntervalMs"] = "100",
            ["Inference:ProbeTimeoutMs"] = "500",
            ["Inference:UnhealthyAfterFailures"] = "2",
        };
        for (var i = 0; i < capacities.Length; i++)
        {
            var server = await FakeVllmServer.StartAsync(maxSessions: capacities[i]);
            _servers.Add(server);
            settings[$"Inference:Endpoints:{i}:Name"] = Name(i);
            settings[$"Inference:Endpoints:{i}:Url"] = server.RealtimeUrl.ToString();
            settings[$"Inference:Endpoints:{i}:Model"] = server.Model;
            settings[$"Inference:Endpoints:{i}:MaxSessions"] = capacities[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        _silo = await TestSilo.StartAsync(settings);
    }

    private static string Name(int index) => $"gpu-{(char)('a' + index)}";

    private EndpointBalancer Balancer => (EndpointBalancer)_silo.Services.GetService(typeof(EndpointBalancer))!;

    private FleetSpeaker Speaker(int index, int sentences)
    {
        var speaker = new FleetSpeaker($"s{index}", ToneSpeech.RandomSentences(sentences, seed: 1_000 + index), Balancer);
        _speakers.Add(speaker);
        return speaker;
    }

    public async Task DisposeAsync()
    {
        foreach (var speaker in _speakers)
        {
            await speaker.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sixty_speakers_spread_by_capacity_and_an_endpoint_that_dies_mid_utterance_loses_no_words()
    {
        await StartAsync(24, 30, 40);
        var speakers = Enumerable.Range(0, 60).Select(i => Speaker(i, 2)).ToList();

        // Everyone starts talking: the 500 ms lead-in and 300 ms into the first word.
        await Task.WhenAll(speakers.Select(s => s.FeedUntilMsAsync(800)));
        await Eventually.HoldsAsync(() => _servers.Sum(s => s.ActiveSessions) == 60, "the fleet holds 60 sessions");
        var utilisation = _servers.Select(s => s.ActiveSessions / (double)s.MaxSessions).ToList();
        Assert.All(utilisation, u => Assert.InRange(u, 0.5, 0.8)); // mean 60/94 = 0.64

        // gpu-b dies mid-utterance: its sockets drop and it refuses new ones.
        var dead = _servers[1];
        var onDead = speakers.Where(s => s.Transcriber.EndpointName == Name(1)).ToList();
        dead.Refusing = true;
        dead.KillAll();
        await Task.WhenAll(speakers.Select(s => s.FinishAsync()));

        Assert.NotEmpty(onDead);
        Assert.All(speakers, s => Assert.Equal(s.Sentences, s.Sink.FinalTexts));
        Assert.All(onDead, s => Assert.All(s.Sink.Transcript, segment => Assert.NotEqual(Name(1), segment.Endpoint)));
        Assert.Empty(_servers[0].Violations);
        Assert.Empty(_servers[2].Violations);

        // The probes told the registry.
        await Eventually.HoldsAsync(async () => (await StatusAsync(Name(1))).GetProperty("health").GetString() == "unhealthy", "the killed endpoint is probed unhealthy");
        var status = await StatusAsync(Name(1));
        Assert.True(status.GetProperty("consecutiveFailures").GetInt32() >= 2);
        Assert.Contains("503", status.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_drained_endpoint_takes_nothing_new_its_speakers_move_at_the_next_boundary_and_it_reports_drained()
    {
        await StartAsync(10, 10, 10);
        var speakers = Enumerable.Range(0, 6).Select(i => Speaker(i, 3)).ToList();
        await Task.WhenAll(speakers.Select(s => s.FeedUntilMsAsync(s.SentenceEndMs(0))));
        await Eventually.HoldsAsync(() => speakers.All(s => s.Sink.FinalTexts.Count == 1), "every speaker has a final");
        var drained = speakers.GroupBy(s => s.Transcriber.EndpointName!).OrderByDescending(g => g.Count()).First().Key;
        var moving = speakers.Where(s => s.Transcriber.EndpointName == drained).ToList();

        using var response = await _silo.Admin.PostAsync(new Uri($"/api/endpoints/{drained}/drain", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        var newcomer = Speaker(99, 1);
        await Task.WhenAll(speakers.Append(newcomer).Select(s => s.FinishAsync()));

        Assert.All(speakers.Append(newcomer), s => Assert.Equal(s.Sentences, s.Sink.FinalTexts));
        Assert.All(moving, s =>
        {
            Assert.Equal(drained, s.Sink.Transcript[0].Endpoint);                             // opened there
            Assert.All(s.Sink.Transcript.Skip(1), segment => Assert.NotEqual(drained, segment.Endpoint)); // moved between generations
        });
        Assert.All(newcomer.Sink.Transcript, segment => Assert.NotEqual(drained, segment.Endpoint));
        Assert.Equal(0, _servers[Enumerable.Range(0, _servers.Count).Single(i => Name(i) == drained)].ActiveSessions);
        Assert.All(_servers, s => Assert.Empty(s.Violations));
        await Eventually.HoldsAsync(async () => (await StatusAsync(drained)).GetProperty("drainComplete").GetBoolean(), "the drained endpoint reports its drain complete");
        Assert.True((await StatusAsync(drained)).GetProperty("drained").GetBoolean());
    }

    [Fact]
    public async Task With_every_endpoint_full_a_speaker_waits_then_is_placed_as_soon_as_a_slot_frees()
    {
        await StartAsync(1, 1, 1);
        var speakers = Enumerable.Range(0, 4).Select(i => Speaker(i, 1)).ToList();
        await Task.WhenAll(speakers.Take(3).Select(s => s.FeedUntilMsAsync(800)));
        await Eventually.HoldsAsync(() => _servers.Sum(s => s.ActiveSessions) == 3, "the fleet holds 3 sessions");

        var late = speakers[3];
        await late.FeedUntilMsAsync(800);
        await Eventually.HoldsAsync(() => late.Transcriber.State == SpeakerState.WaitingForCapacity, "the late speaker waits for capacity");
        await Task.Delay(300);
        Assert.Equal(SpeakerState.WaitingForCapacity, late.Transcriber.State);

        await speakers[0].FinishAsync();
        var freed = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.HoldsAsync(() => late.Transcriber.EndpointName is not null, "the late speaker gets an endpoint");
        Assert.True(freed.Elapsed < TimeSpan.FromSeconds(3), $"placed {freed.ElapsedMilliseconds} ms after a slot freed");

        await Task.WhenAll(speakers.Skip(1).Select(s => s.FinishAsync()));
        Assert.All(speakers, s => Assert.Equal(s.Sentences, s.Sink.FinalTexts));
    }

    private async Task<JsonElement> StatusAsync(string name)
    {
        var list = await _silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/endpoints", UriKind.Relative));
        return list.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
    }
}
