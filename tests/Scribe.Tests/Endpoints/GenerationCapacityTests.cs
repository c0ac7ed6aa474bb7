using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Scribe.Endpoints;
using Scribe.Fakes;
using Scribe.Fakes.Vllm;
using Scribe.Tests.Cluster;

namespace Scribe.Tests.Endpoints;

/// <summary>
/// A meeting on one endpoint that runs two generations at once and accepts any number of sockets: the cluster
/// admits generations, not sockets, so the engine never has to queue one and the third voice's audio waits on our
/// side, then follows in order.
/// </summary>
public sealed class GenerationCapacityTests : IAsyncLifetime
{
    private readonly List<FleetSpeaker> _speakers = [];
    private FakeVllmServer _server = null!;
    private TestSilo _silo = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeVllmServer.StartAsync();
        _server.MaxNumSeqs = 2;
        _server.DoneDelay = TimeSpan.FromMilliseconds(150); // generations overlap long enough to contend
        _silo = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Inference:ProbeIntervalMs"] = "100",
            ["Inference:Endpoints:0:Name"] = "gpu-a",
            ["Inference:Endpoints:0:Url"] = _server.RealtimeUrl.ToString(),
            ["Inference:Endpoints:0:Model"] = _server.Model,
            ["Inference:Endpoints:0:MaxGenerations"] = "2",
        });
    }

    public async Task DisposeAsync()
    {
        foreach (var speaker in _speakers)
        {
            await speaker.DisposeAsync();
        }

        await _silo.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Six_speakers_three_at_once_on_two_generation_slots_lose_nothing_and_never_make_the_engine_queue()
    {
        var balancer = (EndpointBalancer)_silo.Services.GetService(typeof(EndpointBalancer))!;
        for (var i = 0; i < 6; i++)
        {
            _speakers.Add(new FleetSpeaker($"p{i}", ToneSpeech.RandomSentences(3, seed: 2_000 + i), balancer));
        }

        var thirdWaited = false;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                thirdWaited |= _speakers.Any(s => s.Transcriber.State == SpeakerState.WaitingForCapacity);
                await Task.Delay(5, CancellationToken.None);
            }
        });

        var meeting = Stopwatch.StartNew();
        foreach (var group in _speakers.Chunk(3))
        {
            // Three voices at once, sentence by sentence.
            for (var sentence = 0; sentence < 3; sentence++)
            {
                await Task.WhenAll(group.Select(s => s.FeedUntilMsAsync(s.SentenceEndMs(sentence))));
            }
        }

        var fed = meeting.Elapsed;
        await Task.WhenAll(_speakers.Select(s => s.FinishAsync()));
        var tail = meeting.Elapsed - fed;
        await watching.CancelAsync();
        await watcher;

        Assert.All(_speakers, s => Assert.Equal(s.Sentences, s.Sink.FinalTexts));
        Assert.True(thirdWaited, "three voices on two slots: the third must have waited for one");
        Assert.Equal(2, _server.GenerationSlots.Peak);       // both slots were used...
        Assert.Equal(0, _server.GenerationsMadeToWait);      // ...and the engine never had to queue a third
        Assert.Empty(_server.Violations);
        Assert.True(tail < TimeSpan.FromSeconds(5), $"the last finals came {tail.TotalMilliseconds:F0} ms after the meeting's audio");

        var rows = await _silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/endpoints", UriKind.Relative));
        var row = rows.EnumerateArray().Single();
        Assert.Equal(2, row.GetProperty("maxGenerations").GetInt32());
        Assert.Equal(0, row.GetProperty("runningGenerations").GetInt32());
        Assert.Equal(0, row.GetProperty("waitingSpeakers").GetInt32());
    }
}
