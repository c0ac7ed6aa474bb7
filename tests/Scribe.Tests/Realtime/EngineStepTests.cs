using System.Diagnostics;

namespace Scribe.Tests.Realtime;

/// <summary>What a real vLLM engine does mid-generation: mostly empty 80 ms deltas, and now and then a failed request.</summary>
public sealed class EngineStepTests : FakeVllmTest
{
    private static readonly SpeakerContext Speaker = new("standup", "dan", "Dan", "TR_D", 1, 0);

    private static async Task WriteAsync(SpeakerTranscriber transcriber, short[] samples)
    {
        for (var offset = 0; offset < samples.Length; offset += 1_000)
        {
            await transcriber.WriteAsync(samples.AsMemory(offset, Math.Min(1_000, samples.Length - offset)), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Empty_step_deltas_publish_nothing()
    {
        var sentences = ToneSpeech.RandomSentences(3, seed: 5);
        await using var transcriber = new SpeakerTranscriber(
            Speaker, new TranscriberOptions(), new EndpointBalancer([Vllm.Endpoint("gpu-1")]), Sink, NullLogger.Instance, TestMetrics.Scribe);

        await WriteAsync(transcriber, ToneSpeech.Synthesize(sentences, 16_000, leadingSilenceMs: 300));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.True(Vllm.EmptyDeltas > 20, $"{Vllm.EmptyDeltas} empty deltas");
        Assert.Equal(sentences, Sink.FinalTexts);
        Assert.DoesNotContain(Sink.Published, s => string.IsNullOrWhiteSpace(s.Text));
        // One interim per word at most, and the final: the ~12 empty deltas a second add no publication.
        foreach (var (segment, sentence) in Sink.Transcript.Zip(sentences))
        {
            var words = sentence.Split(' ').Length;
            Assert.InRange(Sink.Published.Count(p => p.Id == segment.Id), 1, words + 1);
        }
    }

    [Fact]
    public async Task A_generation_the_engine_fails_is_replayed_at_once_and_transcribed_whole()
    {
        // Generation 2 dies with processing_error; no transcription.done will come for it. The final time-out is far
        // longer than the test may take, so only an immediate replay passes.
        Vllm.FailEveryNthGeneration = 2;
        var balancer = new EndpointBalancer([Vllm.Endpoint("gpu-1"), Vllm.Endpoint("gpu-2")]);
        var options = new TranscriberOptions { FinalTimeoutMs = 60_000 };
        var sentences = ToneSpeech.RandomSentences(3, seed: 23);
        await using var transcriber = new SpeakerTranscriber(Speaker, options, balancer, Sink, NullLogger.Instance, TestMetrics.Scribe);

        await WriteAsync(transcriber, ToneSpeech.Synthesize(sentences.Take(1).ToArray(), 16_000, leadingSilenceMs: 300));
        await Eventually.HoldsAsync(() => Sink.FinalTexts.Count == 1, "the first sentence is final", TimeSpan.FromSeconds(10));
        var feeding = WriteAsync(transcriber, ToneSpeech.Synthesize(sentences.Skip(1).ToArray(), 16_000, leadingSilenceMs: 300));
        await Eventually.HoldsAsync(() => Vllm.ProcessingErrors >= 1, "the engine has failed a generation", TimeSpan.FromSeconds(10));
        var failedAt = Stopwatch.StartNew();
        await Eventually.HoldsAsync(() => Sink.FinalTexts.Count >= 2, "the failed sentence is final after the replay", TimeSpan.FromSeconds(10));
        Assert.True(failedAt.Elapsed < TimeSpan.FromSeconds(2), $"replayed {failedAt.Elapsed.TotalMilliseconds:F0} ms after the error");
        await feeding;
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Equal(sentences, Sink.FinalTexts);
        Assert.Equal(3, Sink.Transcript.Count);
        Assert.True(transcriber.Usage.SessionsOpened >= 2);
    }
}
