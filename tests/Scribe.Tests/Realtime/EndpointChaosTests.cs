namespace Scribe.Tests.Realtime;

/// <summary>Endpoints that answer garbage, drop sockets, stall or fail generations: the transcript stays exact.</summary>
public sealed class EndpointChaosTests : IAsyncLifetime
{
    private FakeVllmServer _first = null!;
    private FakeVllmServer _second = null!;

    public async Task InitializeAsync()
    {
        _first = await FakeVllmServer.StartAsync();
        _second = await FakeVllmServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Theory]
    [InlineData(0.0, 0.3, 0.0)]
    [InlineData(0.03, 0.0, 0.0)]
    [InlineData(0.03, 0.3, 0.0)]
    [InlineData(0.0, 0.0, 0.3)]
    public async Task Garbage_random_socket_drops_and_stalls_leave_the_transcript_exact(double closeProbability, double garbageProbability, double stallProbability)
    {
        _first.Chaos = new FakeVllmChaos(seed: 3) { CloseProbability = closeProbability, GarbageProbability = garbageProbability, StallProbability = stallProbability };
        _second.Chaos = new FakeVllmChaos(seed: 4) { CloseProbability = closeProbability, GarbageProbability = garbageProbability, StallProbability = stallProbability };
        // As a real engine: now and then a generation fails with processing_error (no done follows).
        _first.FailEveryNthGeneration = 4;
        _second.FailEveryNthGeneration = 5;
        var sink = new RecordingSink();
        var sentences = ToneSpeech.RandomSentences(8, seed: 12);
        var speaker = new SpeakerContext("chaos", "dora", "Dora", "TR_D", 1, 0);
        await using var transcriber = new SpeakerTranscriber(
            speaker, new TranscriberOptions { FinalTimeoutMs = 800 }, new EndpointBalancer([_first.Endpoint("a"), _second.Endpoint("b")]), sink, NullLogger.Instance, TestMetrics.Scribe);

        var egress = ToneSpeech.SynthesizeEgress(sentences);
        var converter = new EgressAudioConverter();
        var output = new short[EgressAudioConverter.MaxOutputSamples(4_000)];
        for (var offset = 0; offset < egress.Length; offset += 4_000)
        {
            var count = converter.Convert(egress.AsSpan(offset, Math.Min(4_000, egress.Length - offset)), output);
            await transcriber.WriteAsync(output.AsMemory(0, count), CancellationToken.None);
        }

        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.True(transcriber.State == Scribe.SpeakerState.Stopped, $"{transcriber.State}: {transcriber.Error}");
        Assert.Empty(_first.Violations);
        Assert.Empty(_second.Violations);
        Assert.Equal(sentences, sink.FinalTexts);
        Assert.All(sink.Published.GroupBy(s => s.Id), versions => Assert.Single(versions, v => v.IsFinal));
    }
}
