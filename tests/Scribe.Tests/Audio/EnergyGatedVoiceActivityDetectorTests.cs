using Scribe.Fakes.Speech;

namespace Scribe.Tests.Audio;

public sealed class EnergyGatedVoiceActivityDetectorTests(SileroModelFixture silero, ITestOutputHelper output) : IClassFixture<SileroModelFixture>
{
    /// <summary>Scores every frame 0.9 and counts what it saw and how often it was reset.</summary>
    private sealed class CountingDetector : IVoiceActivityDetector
    {
        public int Scored { get; private set; }

        public int Resets { get; private set; }

        public bool Disposed { get; private set; }

        public string Kind => "counting";

        public float SpeechProbability(ReadOnlySpan<short> frame)
        {
            Scored++;
            return 0.9f;
        }

        public void Reset() => Resets++;

        public void Dispose() => Disposed = true;
    }

    /// <summary>A frame whose RMS level is <paramref name="amplitude"/> (a square wave of that height).</summary>
    private static short[] Frame(short amplitude) =>
        [.. Enumerable.Range(0, IVoiceActivityDetector.FrameSamples).Select(i => (short)(i % 2 == 0 ? amplitude : -amplitude))];

    [Fact]
    public void Frames_below_the_gate_score_zero_without_the_inner_detector_and_louder_ones_reach_it()
    {
        var inner = new CountingDetector();
        using var gated = new EnergyGatedVoiceActivityDetector(inner, gateDbfs: -60);

        // −60 dBFS is an RMS of 32.77: 32 is just under, 33 just over.
        Assert.Equal(0f, gated.SpeechProbability(Frame(32)));
        Assert.Equal(0f, gated.SpeechProbability(new short[IVoiceActivityDetector.FrameSamples]));
        Assert.Equal(0, inner.Scored);
        Assert.Equal(0.9f, gated.SpeechProbability(Frame(33)));
        Assert.Equal(0.9f, gated.SpeechProbability(Frame(8_000)));
        Assert.Equal(2, inner.Scored);
        Assert.Equal((2, 2), (gated.SkippedFrames, gated.ScoredFrames));
    }

    [Fact]
    public void A_long_quiet_stretch_resets_the_inner_detector_once_and_a_short_one_does_not()
    {
        var inner = new CountingDetector();
        using var gated = new EnergyGatedVoiceActivityDetector(inner, gateDbfs: -60, resetAfterFrames: 4);
        var quiet = Frame(5);
        var loud = Frame(5_000);

        gated.SpeechProbability(loud);
        for (var i = 0; i < 3; i++)
        {
            gated.SpeechProbability(quiet);
        }

        gated.SpeechProbability(loud);
        Assert.Equal(0, inner.Resets); // three quiet frames, then sound: the state carries on

        for (var i = 0; i < 10; i++)
        {
            gated.SpeechProbability(quiet);
        }

        Assert.Equal(1, inner.Resets); // reset when the fourth quiet frame came, not again after it

        gated.SpeechProbability(loud);
        for (var i = 0; i < 4; i++)
        {
            gated.SpeechProbability(quiet);
        }

        Assert.Equal(2, inner.Resets); // a new quiet stretch counts from its start
    }

    [Fact]
    public void The_gate_keeps_the_inner_kind_resets_and_disposes_it()
    {
        var inner = new CountingDetector();
        var gated = new EnergyGatedVoiceActivityDetector(inner, gateDbfs: -60);

        Assert.Equal("counting", gated.Kind);
        gated.Reset();
        Assert.Equal(1, inner.Resets);
        gated.Dispose();
        Assert.True(inner.Disposed);
    }

    [Fact]
    public void Only_whole_frames_are_judged()
    {
        using var gated = new EnergyGatedVoiceActivityDetector(new CountingDetector(), gateDbfs: -60);

        Assert.Throws<ArgumentException>(() => gated.SpeechProbability(new short[100]));
    }

    [Fact]
    public async Task Behind_the_gate_silero_hears_the_same_speech_and_is_spared_the_quiet_room_between()
    {
        // What the gate is for: flite sentences with a quiet room (white noise at −70 dBFS) before, between and after.
        var corpus = await FliteCorpus.LoadAsync();
        var room = TestSignals.WhiteNoise(1_500, -70, seed: 4);
        var stream = TestSignals.Concat([room, .. corpus.Take(4).SelectMany(sentence => new[] { sentence.Pcm16kMono, room })]);

        using var plain = new ChunkSpeechClassifier(silero.Model.CreateDetector(), new SpeechHysteresis(0.5f, 0.35f));
        var gatedDetector = new EnergyGatedVoiceActivityDetector(silero.Model.CreateDetector(), gateDbfs: -60);
        using var gated = new ChunkSpeechClassifier(gatedDetector, new SpeechHysteresis(0.5f, 0.35f));
        var chunks = stream.Chunk(1_600).ToList();
        var plainSpeech = chunks.Select(c => plain.Classify(c)).ToList();
        var gatedSpeech = chunks.Select(c => gated.Classify(c)).ToList();

        var disagreements = plainSpeech.Zip(gatedSpeech).Count(pair => pair.First != pair.Second);
        output.WriteLine($"{chunks.Count} chunks, {plainSpeech.Count(s => s)} speech; {disagreements} classified differently; "
            + $"Silero ran on {gatedDetector.ScoredFrames} of {gatedDetector.ScoredFrames + gatedDetector.SkippedFrames} frames");
        // Silero after a reset (the quiet room before each sentence) may cross its threshold a frame later or sooner:
        // an utterance's edge may move by one chunk (100 ms, well inside the 500 ms pre-roll), nothing else may change.
        for (var i = 0; i < chunks.Count; i++)
        {
            var atEdge = (i > 0 && plainSpeech[i - 1] != plainSpeech[i]) || (i + 1 < chunks.Count && plainSpeech[i + 1] != plainSpeech[i]);
            Assert.True(plainSpeech[i] == gatedSpeech[i] || atEdge, $"chunk {i} ({i * 100} ms) changed inside an utterance or a silence");
        }

        Assert.True(disagreements <= 2 * 4, $"{disagreements} edges moved for 4 sentences");
        var roomFrames = 5 * room.Length / IVoiceActivityDetector.FrameSamples;
        Assert.True(gatedDetector.SkippedFrames >= roomFrames - 10, $"only {gatedDetector.SkippedFrames} of about {roomFrames} quiet-room frames skipped");
    }
}
