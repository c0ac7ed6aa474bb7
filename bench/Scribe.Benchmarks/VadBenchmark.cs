using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Scribe.Audio;
using Scribe.Fakes.Speech;

namespace Scribe.Benchmarks;

/// <summary>
/// Load run of the voice activity detectors: microseconds per 32 ms frame (512 samples at 16 kHz) for Silero VAD
/// and for the energy fallback, one stream on one thread, over the flite corpus with silence between sentences.
/// Also the managed bytes allocated per frame, and the share of one core a stream costs in real time.
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
        var stream = corpus.SelectMany(sentence => sentence.Pcm16kMono.Concat(new short[16_000])).ToArray();
        var frames = seconds * 16_000 / Frame;

        Console.WriteLine($"VAD benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds} s of flite speech and silence per detector ({frames} frames)");
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
            using var silero = detectors.Create();
            Measure(silero, stream, frames);
        }

        using var energy = new EnergyVoiceActivityDetector(-45);
        Measure(energy, stream, frames);
        return 0;
    }

    private static void Measure(IVoiceActivityDetector detector, short[] stream, int frames)
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
            $"| {detector.Kind} | {mean:F1} | {each[frames / 2]:F1} | {each[(int)(frames * 0.99)]:F1} | {mean / (FrameMs * 1000):P2} | {allocated / (double)frames:F1} |"));
    }

    private static ReadOnlySpan<short> FrameAt(short[] stream, int frame)
    {
        var framesInStream = stream.Length / Frame;
        return stream.AsSpan(frame % framesInStream * Frame, Frame);
    }
}
