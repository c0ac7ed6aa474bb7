using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Scribe.Audio;
using Scribe.Fakes.Speech;

namespace Scribe.Benchmarks;

/// <summary>
/// Load run of the voice activity detectors: microseconds per 32 ms frame (512 samples at 16 kHz) for Silero VAD,
/// Silero behind the energy gate (as a silo runs it) and the energy fallback, one stream on one thread, over the
/// flite corpus with a second of quiet room (white noise at −70 dBFS) after each sentence. Also the managed bytes
/// allocated per frame, the share of one core a stream costs in real time, and for the gate what it changes: the
/// 100 ms chunks it classifies differently from Silero alone.
/// Arguments: [--seconds S] (audio to run through each detector, default 120).
/// </summary>
internal static class VadBenchmark
{
    private const int Frame = IVoiceActivityDetector.FrameSamples;
    private const double FrameMs = Frame / 16.0;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 && args[0] == "--seconds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 120;
        var corpus = await FliteCorpus.LoadAsync();
        var room = QuietRoom(16_000, seed: 5);
        var stream = corpus.SelectMany(sentence => sentence.Pcm16kMono.Concat(room)).ToArray();
        var frames = seconds * 16_000 / Frame;

        Console.WriteLine($"VAD benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds} s of flite speech and quiet room per detector ({frames} frames)");
        Console.WriteLine();
        Console.WriteLine("| detector | µs per 32 ms frame (mean) | p50 | p99 | real-time share of one core | bytes allocated per frame |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");

        using var detectors = VoiceActivityDetectors.Load(null, -45, NullLogger.Instance);
        if (detectors.Kind != SileroVoiceActivityDetector.Name)
        {
            Console.WriteLine($"| silero | no model at {VoiceActivityDetectors.DefaultModelPath}: run {VoiceActivityDetectors.SetupScript} | | | | |");
        }
        else
        {
            using (var silero = detectors.Create())
            {
                Measure(silero, stream, frames);
            }

            using var gated = new EnergyGatedVoiceActivityDetector(detectors.Create(), new Scribe.Realtime.TranscriberOptions().VadGateDbfs);
            Measure(gated, stream, frames, "silero behind the −60 dBFS gate");
        }

        using (var energy = new EnergyVoiceActivityDetector(-45))
        {
            Measure(energy, stream, frames);
        }

        if (detectors.Kind == SileroVoiceActivityDetector.Name)
        {
            CompareGate(detectors, stream);
        }

        return 0;
    }

    /// <summary>
    /// What the gate changes: the corpus once through Silero alone and once behind the gate, each through the
    /// chunk classifier a transcriber uses (100 ms chunks, hysteresis 0.5 / 0.35); chunks classified differently,
    /// and whether each is at an utterance's edge (the first or last chunk of a speech or silence run).
    /// </summary>
    private static void CompareGate(VoiceActivityDetectors detectors, short[] stream)
    {
        using var plain = new ChunkSpeechClassifier(detectors.Create(), new SpeechHysteresis(0.5f, 0.35f));
        var gate = new EnergyGatedVoiceActivityDetector(detectors.Create(), new Scribe.Realtime.TranscriberOptions().VadGateDbfs);
        using var gated = new ChunkSpeechClassifier(gate, new SpeechHysteresis(0.5f, 0.35f));
        var chunks = stream.Chunk(1_600).ToList();
        var alone = chunks.Select(c => plain.Classify(c)).ToList();
        var behind = chunks.Select(c => gated.Classify(c)).ToList();
        var differ = Enumerable.Range(0, chunks.Count).Where(i => alone[i] != behind[i]).ToList();
        var atEdges = differ.Count(i => (i > 0 && alone[i - 1] != alone[i]) || (i + 1 < chunks.Count && alone[i + 1] != alone[i]));
        var utterances = Enumerable.Range(1, chunks.Count - 1).Count(i => alone[i] && !alone[i - 1]);
        Console.WriteLine();
        Console.WriteLine("| corpus (100 ms chunks) | speech chunks, Silero alone | speech chunks, behind the gate | classified differently | of those at an utterance's edge | utterances | frames Silero ran on |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {chunks.Count} chunks ({chunks.Count / 10.0:F1} s) | {alone.Count(x => x)} | {behind.Count(x => x)} | {differ.Count} | {atEdges} | {utterances} | {gate.ScoredFrames} of {gate.ScoredFrames + gate.SkippedFrames} ({gate.ScoredFrames / (double)(gate.ScoredFrames + gate.SkippedFrames):P0}) |"));
    }

    /// <summary>White noise about 70 dB below full scale: a quiet room through a microphone, not digital silence.</summary>
    private static short[] QuietRoom(int samples, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, samples).Select(_ => (short)random.Next(-18, 19))];
    }

    private static void Measure(IVoiceActivityDetector detector, short[] stream, int frames, string? name = null)
    {
        // Warm up: first runs pay for JIT and ONNX Runtime's lazy initialisation.
        for (var f = 0; f < 200; f++)
        {
            detector.SpeechProbability(FrameAt(stream, f));
        }

        detector.Reset();
        var each = new double[frames];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var total = Stopwatch.StartNew();
        for (var f = 0; f < frames; f++)
        {
            var began = Stopwatch.GetTimestamp();
            detector.SpeechProbability(FrameAt(stream, f));
            each[f] = Stopwatch.GetElapsedTime(began).TotalMicroseconds;
        }

        total.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(each);
        var mean = total.Elapsed.TotalMicroseconds / frames;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name ?? detector.Kind} | {mean:F1} | {each[frames / 2]:F1} | {each[(int)(frames * 0.99)]:F1} | {mean / (FrameMs * 1000):P2} | {allocated / (double)frames:F1} |"));
    }

    private static ReadOnlySpan<short> FrameAt(short[] stream, int frame)
    {
        var framesInStream = stream.Length / Frame;
        return stream.AsSpan(frame % framesInStream * Frame, Frame);
    }
}
