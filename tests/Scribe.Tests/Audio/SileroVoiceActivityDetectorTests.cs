using Microsoft.ML.OnnxRuntime;
using Scribe.Fakes.Speech;

namespace Scribe.Tests.Audio;

/// <summary>Silero VAD v5 on real synthetic speech (flite) and synthetic signals; needs scripts/setup/vad-model.sh.</summary>
public sealed class SileroVoiceActivityDetectorTests(SileroModelFixture fixture, ITestOutputHelper output) : IClassFixture<SileroModelFixture>
{
    private const int Frame = IVoiceActivityDetector.FrameSamples;
    private const int PadMs = 1_000;

    [Fact]
    public void The_model_file_has_the_silero_v5_signature()
    {
        using var session = new InferenceSession(SileroModelFixture.ModelPath);
        Assert.Equal(["input", "sr", "state"], session.InputMetadata.Keys.Order());
        Assert.Equal(["output", "stateN"], session.OutputMetadata.Keys.Order());
        Assert.Equal([2, -1, 128], session.InputMetadata["state"].Dimensions);
        Assert.Equal(typeof(long), session.InputMetadata["sr"].ElementType);
        Assert.Empty(session.InputMetadata["sr"].Dimensions);
    }

    [Fact]
    public async Task Flite_sentences_are_speech_and_the_silence_around_them_is_not()
    {
        var corpus = await FliteCorpus.LoadAsync();
        using var detector = fixture.Model.CreateDetector();
        var padFrames = PadMs * 16 / Frame;
        foreach (var sentence in corpus)
        {
            detector.Reset();
            var gate = new SpeechHysteresis(0.5f, 0.35f);
            var signal = TestSignals.Concat(TestSignals.Silence(PadMs), sentence.Pcm16kMono, TestSignals.Silence(PadMs));
            var probabilities = TestSignals.Probabilities(detector, signal);
            var speaking = probabilities.Select(gate.Update).ToArray();
            var sentenceFrames = sentence.Pcm16kMono.Length / Frame;
            var inSentence = speaking.Skip(padFrames).Take(sentenceFrames).ToArray();
            var share = inSentence.Count(s => s) / (double)inSentence.Length;
            var leading = probabilities.Take(padFrames).Max();
            var tail = probabilities.TakeLast(padFrames / 2).Max();
            output.WriteLine($"{sentence}: speech in {share:P0} of its frames, max {probabilities.Max():F2}; leading silence max {leading:F3}, last 0.5 s max {tail:F3}");

            Assert.True(probabilities.Skip(padFrames).Take(sentenceFrames).Max() > 0.9, $"{sentence}: never confidently speech");
            Assert.True(share > 0.6, $"{sentence}: only {share:P0} of the sentence is speech");
            Assert.True(leading < 0.1, $"{sentence}: silence before it scored {leading}");
            Assert.True(tail < 0.1, $"{sentence}: silence after it scored {tail}");
        }
    }

    [Fact]
    public async Task Speech_is_detected_well_within_the_pre_roll_after_it_starts()
    {
        // The pre-roll is what saves the first syllable: it must be longer than the detector's onset latency plus
        // the 100 ms chunk a detection is rounded to.
        var corpus = await FliteCorpus.LoadAsync();
        var preRollMs = new Scribe.Realtime.TranscriberOptions().PreRollMs;
        using var detector = fixture.Model.CreateDetector();
        var worst = 0.0;
        foreach (var sentence in corpus)
        {
            detector.Reset();
            var gate = new SpeechHysteresis(0.5f, 0.35f);
            var signal = TestSignals.Concat(TestSignals.Silence(PadMs), sentence.Pcm16kMono);
            // Onset: the first 10 ms block of the sentence louder than -40 dBFS.
            var onset = Enumerable.Range(0, signal.Length / 160).First(b => AudioLevel.Dbfs(signal.AsSpan(b * 160, 160)) > -40) * 160;
            var detected = Array.FindIndex(TestSignals.Probabilities(detector, signal), p => gate.Update(p));
            var latencyMs = ((detected + 1) * Frame - onset) / 16.0;
            worst = Math.Max(worst, latencyMs);
            output.WriteLine($"{sentence}: speech detected {latencyMs:F0} ms after its onset");
        }

        output.WriteLine($"worst onset latency {worst:F0} ms; pre-roll {preRollMs} ms");
        Assert.True(worst + 100 < preRollMs, $"onset latency {worst:F0} ms + a chunk does not fit in the {preRollMs} ms pre-roll");
    }

    [Fact]
    public void Steady_noise_and_pure_tones_are_not_speech()
    {
        using var detector = fixture.Model.CreateDetector();
        foreach (var (name, signal) in new (string, short[])[]
        {
            ("silence", TestSignals.Silence(2_000)),
            ("white noise -30 dBFS", TestSignals.WhiteNoise(2_000, -30, seed: 3)),
            ("white noise -50 dBFS", TestSignals.WhiteNoise(2_000, -50, seed: 4)),
            ("hum 100 Hz -20 dBFS", TestSignals.Tone(2_000, 100, 0.1)),
        })
        {
            detector.Reset();
            var gate = new SpeechHysteresis(0.5f, 0.35f);
            var probabilities = TestSignals.Probabilities(detector, signal);
            var speech = probabilities.Count(p => gate.Update(p)) / (double)probabilities.Length;
            output.WriteLine($"{name}: mean probability {probabilities.Average():F3}, max {probabilities.Max():F3}, speech frames {speech:P0}");
            Assert.True(speech <= 0.05, $"{name}: {speech:P0} of frames called speech");
        }
    }

    [Fact]
    public async Task Speech_in_steady_noise_is_still_found()
    {
        var sentence = (await FliteCorpus.LoadAsync())[0];
        using var detector = fixture.Model.CreateDetector();
        var noise = TestSignals.WhiteNoise(PadMs * 2 + (int)sentence.Duration.TotalMilliseconds + 100, -40, seed: 5);
        var signal = TestSignals.Concat(TestSignals.Silence(PadMs), sentence.Pcm16kMono, TestSignals.Silence(PadMs));
        for (var i = 0; i < signal.Length; i++)
        {
            signal[i] = (short)Math.Clamp(signal[i] + noise[i], short.MinValue, short.MaxValue);
        }

        var probabilities = TestSignals.Probabilities(detector, signal);
        var padFrames = PadMs * 16 / Frame;
        var inSentence = probabilities.Skip(padFrames).Take(sentence.Pcm16kMono.Length / Frame).ToArray();
        output.WriteLine($"noise only max {probabilities.Take(padFrames).Max():F3}; sentence frames ≥ 0.5: {inSentence.Count(p => p >= 0.5) / (double)inSentence.Length:P0}");
        Assert.True(probabilities.Take(padFrames).Max() < 0.5);
        Assert.True(inSentence.Count(p => p >= 0.5) / (double)inSentence.Length > 0.5);
    }

    [Fact]
    public async Task Streaming_matches_a_plain_reference_run_frame_by_frame_and_reset_starts_afresh()
    {
        // The reference builds every input from scratch (context + window, state passed back by hand) through
        // ONNX Runtime's plain API; the detector reuses bound buffers. They must agree exactly.
        var sentence = (await FliteCorpus.LoadAsync())[3];
        var signal = TestSignals.Concat(TestSignals.Silence(300), sentence.Pcm16kMono);
        using var detector = fixture.Model.CreateDetector();
        var streamed = TestSignals.Probabilities(detector, signal);
        detector.Reset();
        var again = TestSignals.Probabilities(detector, signal);

        using var session = new InferenceSession(SileroModelFixture.ModelPath);
        var reference = new float[streamed.Length];
        var state = new float[2 * 1 * 128];
        var context = new float[64];
        for (var f = 0; f < reference.Length; f++)
        {
            var input = new float[64 + Frame];
            context.CopyTo(input, 0);
            for (var i = 0; i < Frame; i++)
            {
                input[64 + i] = signal[f * Frame + i] / 32768f;
            }

            using var audio = OrtValue.CreateTensorValueFromMemory(input, [1, input.Length]);
            using var stateIn = OrtValue.CreateTensorValueFromMemory((float[])state.Clone(), [2, 1, 128]);
            using var rate = OrtValue.CreateTensorValueFromMemory(new long[] { 16_000 }, []);
            using var results = session.Run(new RunOptions(), new Dictionary<string, OrtValue> { ["input"] = audio, ["state"] = stateIn, ["sr"] = rate }, ["output", "stateN"]);
            reference[f] = results[0].GetTensorDataAsSpan<float>()[0];
            results[1].GetTensorDataAsSpan<float>().CopyTo(state);
            Array.Copy(input, input.Length - 64, context, 0, 64);
        }

        Assert.Equal(reference, streamed);
        Assert.Equal(streamed, again);
    }

    [Fact]
    public void A_frame_allocates_nothing_on_the_managed_heap()
    {
        using var detector = fixture.Model.CreateDetector();
        var signal = TestSignals.WhiteNoise(3_200, -30, seed: 6);
        TestSignals.Probabilities(detector, signal); // warm up
        var frames = signal.Length / Frame;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var f = 0; f < frames; f++)
        {
            detector.SpeechProbability(signal.AsSpan(f * Frame, Frame));
        }

        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)frames;
        output.WriteLine($"{perFrame:F1} bytes allocated per frame");
        Assert.Equal(0, perFrame);
    }

    [Fact]
    public void Frames_of_the_wrong_length_are_refused()
    {
        using var detector = fixture.Model.CreateDetector();
        Assert.Throws<ArgumentException>(() => detector.SpeechProbability(new short[Frame - 1]));
    }
}
