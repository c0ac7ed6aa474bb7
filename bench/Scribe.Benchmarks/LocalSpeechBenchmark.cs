using System.Diagnostics;
using System.Globalization;
using Scribe.Fakes.Speech;
using Scribe.LocalSpeech;

namespace Scribe.Benchmarks;

/// <summary>
/// Load run of the local recogniser: the real-time factor of one PocketSphinx decoder over the flite corpus,
/// then how many streams fed at real-time pace the machine keeps up with. A plain timed run, not
/// BenchmarkDotNet: the question is capacity under sustained load, not the cost of one call.
/// Arguments: [--seconds S] (audio per stream in the concurrency runs, default 15) [--max-streams K] (default 32);
/// [--deltas-only] measures only what the append-only delta rule costs in WER.
/// </summary>
internal static class LocalSpeechBenchmark
{
    private const int SampleRate = 16_000;
    private const int ChunkSamples = 1_600; // 100 ms, as our ingest sends and as the endpoint reads partials

    /// <summary>A stream keeps up when 95 % of chunks are decoded within this long of their audio existing…</summary>
    private static readonly TimeSpan P95LagLimit = TimeSpan.FromMilliseconds(500);

    /// <summary>…and its last chunk within this, so lag does not pile up over the run.</summary>
    private static readonly TimeSpan FinalLagLimit = TimeSpan.FromMilliseconds(1000);

    /// <summary>The delta rule's settings the append-only cost is measured for.</summary>
    private static readonly int[] StabilityWindowsMs = [0, 480, 960, 1440, 1920];

    private static readonly int[] TrailingWords = [1, 2, 3];

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 15);
        var maxStreams = Option(args, "--max-streams", 32);
        var corpus = await FliteCorpus.LoadAsync();
        var audio = corpus.SelectMany(sentence => sentence.Pcm16kMono).ToArray();
        var audioSeconds = audio.Length / (double)SampleRate;

        Console.WriteLine($"Local speech benchmark: PocketSphinx (Debian libpocketsphinx3, en-us model), {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine($"Corpus: {corpus.Count} flite sentences (slt, awb, rms), {audioSeconds:F1} s of speech");
        Console.WriteLine();

        MeasureOneDecoder(corpus, audioSeconds);
        Console.WriteLine();
        MeasureAppendOnlyCost(corpus);
        Console.WriteLine();
        if (args.Contains("--deltas-only"))
        {
            return 0;
        }

        var sustained = MeasureConcurrentStreams(audio, seconds, maxStreams);
        Console.WriteLine();
        Console.WriteLine(sustained > 0
            ? $"Sustained: {sustained} concurrent real-time stream(s) on this machine."
            : "Sustained: not even one real-time stream on this machine.");
        return 0;
    }

    private static void MeasureOneDecoder(IReadOnlyList<SpokenSentence> corpus, double audioSeconds)
    {
        var load = Stopwatch.StartNew();
        using var decoder = SphinxDecoder.Create(SphinxModel.Default);
        load.Stop();
        var pairs = new List<(string, string?)>();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        foreach (var sentence in corpus)
        {
            decoder.StartUtterance();
            for (var offset = 0; offset < sentence.Pcm16kMono.Length; offset += ChunkSamples)
            {
                decoder.Process(sentence.Pcm16kMono.AsSpan(offset, Math.Min(ChunkSamples, sentence.Pcm16kMono.Length - offset)));
                _ = decoder.Hypothesis();
            }

            decoder.EndUtterance();
            pairs.Add((sentence.Text, decoder.Hypothesis()));
        }

        wall.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Console.WriteLine("One decoder, whole corpus as fast as it goes (100 ms chunks, a partial hypothesis per chunk):");
        Console.WriteLine("| measure | value |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| decoder load (ps_init) | {load.Elapsed.TotalMilliseconds:F0} ms |");
        Console.WriteLine($"| decode time for {audioSeconds:F1} s of speech | {wall.Elapsed.TotalSeconds:F2} s |");
        Console.WriteLine($"| real-time factor (wall) | {wall.Elapsed.TotalSeconds / audioSeconds:F3} |");
        Console.WriteLine($"| real-time factor (CPU) | {cpu.TotalSeconds / audioSeconds:F3} |");
        Console.WriteLine($"| corpus WER | {WordErrorRate.Corpus(pairs):P1} |");
    }

    /// <summary>
    /// What the endpoint's append-only rule costs: the done text is the words sent early (held stable for the
    /// window) plus the final hypothesis after them, against the final hypothesis alone. Each sentence is decoded
    /// once; its partials (one per 100 ms chunk, as the endpoint reads them) are replayed for each window.
    /// </summary>
    private static void MeasureAppendOnlyCost(IReadOnlyList<SpokenSentence> corpus)
    {
        using var decoder = SphinxDecoder.Create(SphinxModel.Default);
        var decoded = new List<(string Reference, List<(IReadOnlyList<string> Words, long Position)> Partials, IReadOnlyList<string> Final)>();
        foreach (var sentence in corpus)
        {
            var partials = new List<(IReadOnlyList<string>, long)>();
            decoder.StartUtterance();
            for (var offset = 0; offset < sentence.Pcm16kMono.Length; offset += ChunkSamples)
            {
                decoder.Process(sentence.Pcm16kMono.AsSpan(offset, Math.Min(ChunkSamples, sentence.Pcm16kMono.Length - offset)));
                partials.Add((HypothesisWords.Split(decoder.Hypothesis()), decoder.UtteranceSamples));
            }

            decoder.EndUtterance();
            decoded.Add((sentence.Text, partials, HypothesisWords.Split(decoder.Hypothesis())));
        }

        var finalAlone = WordErrorRate.Corpus(decoded.Select(run => (run.Reference, (string?)string.Join(' ', run.Final))));
        Console.WriteLine($"Append-only deltas (joined deltas = done text) against the final hypothesis alone, {corpus.Count} sentences:");
        Console.WriteLine("| stability window | trailing words | WER, final hypothesis alone | WER, done text | words sent before the final commit | sentences whose done text differs from the final hypothesis |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        var defaults = new LocalSpeechOptions();
        var differences = new List<string>();
        foreach (var (windowMs, trailing) in StabilityWindowsMs.SelectMany(window => TrailingWords.Select(trailing => (window, trailing))))
        {
            var isDefault = windowMs == defaults.DeltaStabilityMilliseconds && trailing == defaults.DeltaTrailingWords;
            var pairs = new List<(string, string?)>();
            int early = 0, words = 0, differing = 0;
            foreach (var run in decoded)
            {
                var transcript = new AppendOnlyTranscript(windowMs * (SampleRate / 1000L), trailing);
                foreach (var (partial, position) in run.Partials)
                {
                    transcript.Observe(partial, position);
                }

                early += transcript.Sent.Count;
                var (_, text) = transcript.Finish(run.Final);
                words += HypothesisWords.Split(text).Count;
                var differs = !string.Equals(text, string.Join(' ', run.Final), StringComparison.Ordinal);
                differing += differs ? 1 : 0;
                if (differs && isDefault)
                {
                    differences.Add($"  sent early: {string.Join(' ', transcript.Sent)}\n  final:      {string.Join(' ', run.Final)}\n  done:       {text}");
                }

                pairs.Add((run.Reference, text));
            }

            var label = isDefault ? $"{windowMs} ms (default)" : $"{windowMs} ms";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {label} | {trailing} | {finalAlone:P1} | {WordErrorRate.Corpus(pairs):P1} | {early} of {words} ({(double)early / Math.Max(1, words):P0}) | {differing} of {decoded.Count} |"));
        }

        Console.WriteLine();
        Console.WriteLine("With the defaults, the sentences whose done text differs from the final hypothesis:");
        differences.ForEach(Console.WriteLine);
    }

    private static int MeasureConcurrentStreams(short[] audio, int seconds, int maxStreams)
    {
        var samples = audio.AsMemory(0, Math.Min(audio.Length, seconds * SampleRate));
        Console.WriteLine($"K decoders in parallel, each fed {samples.Length / (double)SampleRate:F0} s of the corpus at real-time pace in 100 ms chunks;");
        Console.WriteLine($"lag = when a chunk is decoded minus when its audio ends. Keeps up: p95 lag <= {P95LagLimit.TotalMilliseconds:F0} ms and last lag <= {FinalLagLimit.TotalMilliseconds:F0} ms.");
        Console.WriteLine("| streams | mean lag | p95 lag | max lag | last lag | CPU busy | memory | keeps up |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|:---:|");
        var sustained = 0;
        var failuresInARow = 0;
        // One failure may be a neighbour's burst on a shared machine; two in a row end the climb.
        for (var streams = 1; streams <= maxStreams && failuresInARow < 2; streams++)
        {
            var result = RunStreams(streams, samples);
            var keepsUp = result.P95Lag <= P95LagLimit && result.LastLag <= FinalLagLimit;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {streams} | {Ms(result.MeanLag)} | {Ms(result.P95Lag)} | {Ms(result.MaxLag)} | {Ms(result.LastLag)} | {result.CpuBusy:P0} | {result.WorkingSetMiB:F0} MiB | {(keepsUp ? "yes" : "no")} |"));
            if (!keepsUp)
            {
                failuresInARow++;
                continue;
            }

            failuresInARow = 0;
            sustained = streams;
        }

        return sustained;
    }

    private static StreamsResult RunStreams(int streams, ReadOnlyMemory<short> samples)
    {
        var decoders = Enumerable.Range(0, streams).Select(_ => SphinxDecoder.Create(SphinxModel.Default)).ToList();
        try
        {
            var chunks = (samples.Length + ChunkSamples - 1) / ChunkSamples;
            var lags = new TimeSpan[streams][];
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            var start = Stopwatch.GetTimestamp();
            var workers = decoders.Select((decoder, index) => new Thread(() => lags[index] = Stream(decoder, samples, chunks, start)) { IsBackground = true }).ToList();
            workers.ForEach(worker => worker.Start());
            workers.ForEach(worker => worker.Join());
            wall.Stop();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var all = lags.SelectMany(lag => lag).Order().ToArray();
            return new StreamsResult(
                TimeSpan.FromTicks((long)all.Average(lag => lag.Ticks)),
                all[(int)Math.Min(all.Length - 1, Math.Ceiling(all.Length * 0.95) - 1)],
                all[^1],
                lags.Max(lag => lag[^1]),
                cpu.TotalSeconds / (wall.Elapsed.TotalSeconds * Environment.ProcessorCount),
                Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024.0));
        }
        finally
        {
            decoders.ForEach(decoder => decoder.Dispose());
        }
    }

    /// <summary>One stream: chunk i exists at (i + 1) × 100 ms after start; decode it then, or as soon as possible after.</summary>
    private static TimeSpan[] Stream(SphinxDecoder decoder, ReadOnlyMemory<short> samples, int chunks, long start)
    {
        var lags = new TimeSpan[chunks];
        decoder.StartUtterance();
        for (var i = 0; i < chunks; i++)
        {
            var due = TimeSpan.FromMilliseconds((i + 1) * 100.0);
            var wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }

            var offset = i * ChunkSamples;
            decoder.Process(samples.Span.Slice(offset, Math.Min(ChunkSamples, samples.Length - offset)));
            _ = decoder.Hypothesis();
            lags[i] = Stopwatch.GetElapsedTime(start) - due;
        }

        decoder.EndUtterance();
        return lags;
    }

    private static string Ms(TimeSpan lag) => string.Create(CultureInfo.InvariantCulture, $"{lag.TotalMilliseconds:F0} ms");

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record StreamsResult(TimeSpan MeanLag, TimeSpan P95Lag, TimeSpan MaxLag, TimeSpan LastLag, double CpuBusy, double WorkingSetMiB);
}
