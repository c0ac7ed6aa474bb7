namespace Scribe.Tests.Realtime;

public sealed class SpeakerTranscriberTests : FakeVllmTest
{
    private static readonly SpeakerContext Speaker = new("standup", "alice", "Alice", "TR_A", 1, 0);

    private SpeakerTranscriber Transcriber(EndpointBalancer? balancer = null, TranscriberOptions? options = null) =>
        new(Speaker, options ?? new TranscriberOptions(), balancer ?? new EndpointBalancer([Vllm.Endpoint("gpu-1")]), Sink, NullLogger.Instance, TestMetrics.Scribe);

    /// <summary>Streams egress-format audio through the converter in torn frames, as ingest does.</summary>
    private static async Task FeedAsync(SpeakerTranscriber transcriber, byte[] egress, int seed = 1, Func<int, Task>? atFrame = null)
    {
        var converter = new EgressAudioConverter();
        var random = new Random(seed);
        var output = new short[EgressAudioConverter.MaxOutputSamples(8000)];
        var frame = 0;
        for (var offset = 0; offset < egress.Length; frame++)
        {
            var size = Math.Min(random.Next(1, 8000), egress.Length - offset);
            var count = converter.Convert(egress.AsSpan(offset, size), output);
            await transcriber.WriteAsync(output.AsMemory(0, count), CancellationToken.None);
            offset += size;
            if (atFrame is not null)
            {
                await atFrame(frame);
            }
        }
    }

    [Fact]
    public async Task Each_utterance_becomes_one_segment_whose_final_text_is_exactly_what_was_said()
    {
        var sentences = ToneSpeech.RandomSentences(5, seed: 11);
        await using var transcriber = Transcriber();

        await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(sentences));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Equal(sentences, Sink.FinalTexts);
        Assert.Equal(5, Sink.Transcript.Count);
        Assert.All(Sink.Transcript, s => Assert.True(s.IsFinal));
        Assert.Equal(Sink.Transcript.Select(s => s.StartMs).Order(), Sink.Transcript.Select(s => s.StartMs));
    }

    [Fact]
    public async Task Ending_at_the_next_pause_finishes_the_running_utterance_whole_and_opens_no_other()
    {
        var sentences = ToneSpeech.RandomSentences(4, seed: 17);
        await using var transcriber = Transcriber();
        var egress = ToneSpeech.SynthesizeEgress(sentences);

        // Asked to end while the second sentence is being said: it is finished whole, the rest is not taken.
        var secondSentenceMidway = (500 + Meeting.DurationMs(sentences[0]) + ToneSpeech.SentenceGapMs + 200) * EgressSimulator.BytesPerMs;
        await FeedAsync(transcriber, egress[..secondSentenceMidway]);
        // The audio is taken in order off a queue: wait until it has reached the second utterance.
        await Eventually.HoldsAsync(() => Sink.FinalTexts.Count >= 1 && !transcriber.AtGenerationBoundary, "the second utterance is running", TimeSpan.FromSeconds(10));

        transcriber.EndAtNextPause();
        await FeedAsync(transcriber, egress[secondSentenceMidway..]);
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Equal(sentences.Take(2), Sink.FinalTexts);
        Assert.Empty(Vllm.Violations);
    }

    [Fact]
    public async Task Interim_versions_share_the_final_id_and_only_grow()
    {
        var sentences = ToneSpeech.RandomSentences(2, seed: 5);
        await using var transcriber = Transcriber();

        await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(sentences));
        await transcriber.CompleteAsync(CancellationToken.None);

        foreach (var versions in Sink.Published.GroupBy(s => s.Id))
        {
            var texts = versions.Select(v => v.Text).ToList();
            Assert.True(versions.Last().IsFinal);
            Assert.Single(versions, v => v.IsFinal);
            for (var i = 1; i < texts.Count; i++)
            {
                Assert.StartsWith(texts[i - 1], texts[i], StringComparison.Ordinal);
            }
        }

        Assert.Equal(2, Sink.Published.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public async Task Segment_times_come_from_the_audio_clock()
    {
        // 500 ms of leading silence, then a 200 ms word: the segment starts within one 100 ms chunk of 500 ms.
        await using var transcriber = Transcriber();
        await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(["c20"], leadingSilenceMs: 500));
        await transcriber.CompleteAsync(CancellationToken.None);

        var segment = Assert.Single(Sink.Transcript);
        Assert.Equal("c20", segment.Text);
        Assert.InRange(segment.StartMs, 500, 600);
        Assert.InRange(segment.EndMs, 700, 700 + 100 + 700);
    }

    [Fact]
    public async Task Audio_that_arrives_while_the_server_finishes_a_generation_is_held_for_the_next_one()
    {
        Vllm.DoneDelay = TimeSpan.FromMilliseconds(700);
        var sentences = ToneSpeech.RandomSentences(4, seed: 3);
        await using var transcriber = Transcriber();

        await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(sentences));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Equal(sentences, Sink.FinalTexts);
    }

    [Fact]
    public async Task A_socket_that_drops_mid_utterance_is_replaced_and_the_same_segment_completes_without_loss_or_duplicates()
    {
        await using var second = await FakeVllmServer.StartAsync();
        var sentences = ToneSpeech.RandomSentences(3, seed: 21);
        var balancer = new EndpointBalancer([Vllm.Endpoint("gpu-1"), second.Endpoint("gpu-2")]);
        await using var transcriber = Transcriber(balancer);
        Vllm.BreakAfterAppends(12);
        second.BreakAfterAppends(-1);

        await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(sentences));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Empty(second.Violations);
        Assert.Equal(sentences, Sink.FinalTexts);
        Assert.Equal(3, Sink.Transcript.Count);
        Assert.True(Vllm.SessionsOpened + second.SessionsOpened >= 2);
    }

    [Fact]
    public async Task A_mute_ends_the_running_generation_and_the_clock_runs_on_through_the_gap()
    {
        await using var transcriber = Transcriber();
        var first = ToneSpeech.SynthesizeEgress(["a20 b20"], leadingSilenceMs: 200);
        await FeedAsync(transcriber, first[..(first.Length / 2)]);
        await transcriber.SetMutedAsync(true, CancellationToken.None);
        var clockAtMute = transcriber.ClockSamples;
        await Task.Delay(300);
        await transcriber.SetMutedAsync(false, CancellationToken.None);
        await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(["h15"], leadingSilenceMs: 200));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.True(transcriber.ClockSamples - clockAtMute >= 300 * 16, "the muted gap must advance the audio clock");
        Assert.Equal(2, Sink.Transcript.Count);
        Assert.Equal("h15", Sink.Transcript[^1].Text);
    }

    [Fact]
    public async Task Without_any_capacity_the_speaker_waits_visibly_and_is_placed_when_a_slot_frees()
    {
        var balancer = new EndpointBalancer([Vllm.Endpoint("gpu-1", maxSessions: 1)]);
        var blocker = balancer.TryPlace("someone-else", null)!;
        await using var transcriber = Transcriber(balancer);
        var sentences = ToneSpeech.RandomSentences(1, seed: 8);

        var feeding = FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(sentences));
        await Eventually.HoldsAsync(() => transcriber.State == Scribe.SpeakerState.WaitingForCapacity, "the transcriber waits for capacity");
        blocker.Dispose();
        await feeding;
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Equal(sentences, Sink.FinalTexts);
    }

    [Fact]
    public async Task A_long_monologue_is_cut_into_bounded_generations_at_quiet_moments_without_losing_words()
    {
        // Twelve words with 250 ms between them: never a 600 ms pause, so only the window length cuts.
        var sentence = string.Join(' ', ToneSpeech.RandomSentences(4, seed: 9).SelectMany(s => s.Split(' ')).Take(12));
        var options = new TranscriberOptions { MaxGenerationMs = 1_500, WindowGraceMs = 1_000 };
        await using var transcriber = Transcriber(options: options);

        await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress([sentence], wordGapMs: 250));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.True(Sink.Transcript.Count >= 3, $"expected several generations, got {Sink.Transcript.Count}");
        Assert.Equal(sentence, string.Join(' ', Sink.FinalTexts));
        Assert.All(Vllm.Generations, g => Assert.True(g.Samples <= (1_500 + 1_000 + 500 + 100) * 16, $"generation of {g.Samples / 16} ms"));
    }

    [Fact]
    public async Task An_endpoint_that_does_not_serve_the_model_puts_the_speaker_in_a_visible_error_state()
    {
        var wrongModel = new InferenceEndpoint("gpu-1", Vllm.RealtimeUrl, "some/other-model", 4);
        await using var transcriber = Transcriber(new EndpointBalancer([wrongModel]));

        await FeedAsync(transcriber, ToneSpeech.SynthesizeEgress(["c20 d20"]));
        await Eventually.HoldsAsync(() => transcriber.State == Scribe.SpeakerState.Error, "the transcriber shows an error");

        Assert.Contains("model_not_found", transcriber.Error, StringComparison.Ordinal);
    }
}
