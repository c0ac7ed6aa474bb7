namespace Scribe.Tests.Realtime;

/// <summary>A silent speaker gives its realtime session back; speech opens a new one and loses nothing.</summary>
public sealed class IdleReleaseTests : FakeVllmTest
{
    private static readonly SpeakerContext Speaker = new("standup", "bob", "Bob", "TR_B", 1, 0);

    private static TranscriberOptions Options(int idleReleaseMs = 2_000) => new() { IdleReleaseMs = idleReleaseMs };

    private SpeakerTranscriber Transcriber(TranscriberOptions options, EndpointBalancer? balancer = null) =>
        new(Speaker, options, balancer ?? new EndpointBalancer([Vllm.Endpoint("gpu-1")]), Sink, NullLogger.Instance, TestMetrics.Scribe);

    private static async Task WriteAsync(SpeakerTranscriber transcriber, short[] samples)
    {
        // Uneven pieces, as the converter hands them over.
        for (var offset = 0; offset < samples.Length;)
        {
            var take = Math.Min(1_000 + offset % 777, samples.Length - offset);
            await transcriber.WriteAsync(samples.AsMemory(offset, take), CancellationToken.None);
            offset += take;
        }
    }

    private static short[] Speech(params string[] sentences) => ToneSpeech.Synthesize(sentences, 16_000, leadingSilenceMs: 300);

    private static short[] Silence(int ms) => new short[ms * 16];

    [Fact]
    public async Task A_speaker_silent_past_the_idle_time_releases_its_session_and_the_next_speech_reopens_one()
    {
        await using var transcriber = Transcriber(Options(idleReleaseMs: 2_000));

        await WriteAsync(transcriber, Speech("a20 b15 c12"));
        await WriteAsync(transcriber, Silence(3_000));
        // The loop may still be behind the writes: wait for the release itself, not for "no session yet".
        await Eventually.HoldsAsync(() => transcriber.Usage.IdleReleases == 1, "the session is released as idle");
        await Eventually.HoldsAsync(() => Vllm.ActiveSessions == 0, "the server has no open session");
        Assert.Equal(Scribe.SpeakerState.Idle, transcriber.State);
        Assert.Null(transcriber.EndpointName);

        await WriteAsync(transcriber, Speech("d18 e11"));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Equal(["a20 b15 c12", "d18 e11"], Sink.FinalTexts);
        Assert.Equal(2, Vllm.SessionsOpened);
        var usage = transcriber.Usage;
        Assert.Equal(1, usage.IdleReleases);
        Assert.Equal(2, usage.SessionsOpened);
    }

    [Fact]
    public async Task A_socket_lost_between_generations_is_not_reopened_until_the_speaker_speaks()
    {
        await using var transcriber = Transcriber(Options(idleReleaseMs: 60_000));
        await WriteAsync(transcriber, Speech("a20 b15"));
        await Eventually.HoldsAsync(() => Sink.FinalTexts.Count == 1, "the first sentence is final");
        Vllm.KillAll();
        await Eventually.HoldsAsync(() => transcriber.EndpointName is null, "the transcriber has let the lost endpoint go");
        await Task.Delay(200);
        Assert.Equal(1, Vllm.SessionsOpened);
        Assert.Equal(Scribe.SpeakerState.Idle, transcriber.State);

        await WriteAsync(transcriber, Speech("c20 d15"));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Equal(["a20 b15", "c20 d15"], Sink.FinalTexts);
        Assert.Equal(2, Vllm.SessionsOpened);
    }

    [Fact]
    public async Task Pauses_shorter_than_the_idle_time_keep_the_session()
    {
        await using var transcriber = Transcriber(Options(idleReleaseMs: 5_000));

        await WriteAsync(transcriber, Speech("a20 b15"));
        await WriteAsync(transcriber, Silence(3_000));
        await WriteAsync(transcriber, Speech("c20 d15"));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Equal(["a20 b15", "c20 d15"], Sink.FinalTexts);
        Assert.Equal(1, Vllm.SessionsOpened);
        Assert.Equal(0, transcriber.Usage.IdleReleases);
    }

    [Fact]
    public async Task A_speaker_who_never_speaks_never_opens_a_session()
    {
        await using var transcriber = Transcriber(Options());
        await WriteAsync(transcriber, Silence(20_000));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Equal(0, Vllm.SessionsOpened);
        Assert.Equal(new SpeakerUsage(0, 0, 0, 0, 0), transcriber.Usage);
    }

    [Fact]
    public async Task No_audio_is_lost_when_the_reopened_session_has_to_wait_for_a_slot()
    {
        // After the release another speaker takes the only slot; this speaker starts talking and must wait. Its
        // audio buffers meanwhile, and when the slot frees every word arrives, the first syllable included.
        var balancer = new EndpointBalancer([Vllm.Endpoint("gpu-1", maxSessions: 1)]);
        await using var transcriber = Transcriber(Options(idleReleaseMs: 1_000), balancer);
        await WriteAsync(transcriber, Speech("h25 a10"));
        await WriteAsync(transcriber, Silence(1_500));
        await Eventually.HoldsAsync(() => transcriber.Usage.IdleReleases == 1, "the session is released as idle");
        var other = balancer.TryPlace("someone-else", null);
        Assert.NotNull(other);

        var sentences = ToneSpeech.RandomSentences(3, seed: 17);
        var feeding = WriteAsync(transcriber, ToneSpeech.Synthesize(sentences, 16_000, leadingSilenceMs: 200));
        await Eventually.HoldsAsync(() => transcriber.State == Scribe.SpeakerState.WaitingForCapacity, "the transcriber waits for capacity");
        await Task.Delay(300);
        other.Dispose();
        await feeding;
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Equal(["h25 a10", .. sentences], Sink.FinalTexts);
        Assert.Equal(2, Vllm.SessionsOpened);
    }

    [Fact]
    public async Task A_muted_speaker_whose_track_sends_nothing_is_released_by_the_clock()
    {
        await using var transcriber = Transcriber(Options(idleReleaseMs: 1_000));
        await WriteAsync(transcriber, Speech("b20 c20"));
        await transcriber.SetMutedAsync(true, CancellationToken.None);
        await Eventually.HoldsAsync(() => Sink.FinalTexts.Count == 1, "the first sentence is final");
        Assert.Equal(1, Vllm.ActiveSessions);

        await Eventually.HoldsAsync(() => Vllm.ActiveSessions == 0, "the server has no open session");
        Assert.Equal(Scribe.SpeakerState.Muted, transcriber.State);

        await transcriber.SetMutedAsync(false, CancellationToken.None);
        await WriteAsync(transcriber, Speech("g14"));
        await transcriber.CompleteAsync(CancellationToken.None);

        Assert.Empty(Vllm.Violations);
        Assert.Equal(["b20 c20", "g14"], Sink.FinalTexts);
        Assert.Equal(1, transcriber.Usage.IdleReleases);
    }

    [Fact]
    public async Task Usage_counts_speech_generation_audio_and_session_time()
    {
        await using var transcriber = Transcriber(Options(idleReleaseMs: 1_000));
        var started = DateTime.UtcNow;
        await WriteAsync(transcriber, Speech("a50 b50")); // 1 s of tone, an 80 ms gap
        await WriteAsync(transcriber, Silence(2_000));
        await Eventually.HoldsAsync(() => transcriber.Usage.IdleReleases == 1, "the session is released as idle");
        var elapsed = (DateTime.UtcNow - started).TotalSeconds;
        await transcriber.CompleteAsync(CancellationToken.None);

        var usage = transcriber.Usage;
        // Speech: the tone in 100 ms chunks (a chunk is speech when a frame ending in it is), give or take a chunk.
        Assert.InRange(usage.SpeechSeconds, 1.0, 1.3);
        // Generation: pre-roll (≤ 0.3 s of leading silence here) + speech + the 600 ms pause that ends it.
        Assert.InRange(usage.GenerationSeconds, usage.SpeechSeconds + 0.6, usage.SpeechSeconds + 0.6 + 0.3 + 0.1);
        Assert.InRange(usage.SessionSeconds, 0.0001, elapsed);
        Assert.Equal((1, 1), (usage.SessionsOpened, usage.IdleReleases));
    }
}
