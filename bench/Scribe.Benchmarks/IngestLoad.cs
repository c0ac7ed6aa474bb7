using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Speech;
using Scribe.Fakes.Vllm;
using Scribe.LiveKit;

namespace Scribe.Benchmarks;

/// <summary>
/// <c>ingest-load</c>: how many egress streams one silo holds. A silo process on its own, fed by this process
/// the way LiveKit egress feeds it (webhooks, then one WebSocket per track sending 48 kHz stereo PCM frames at
/// real-time pace), transcribing through fast fake vLLM endpoints. N grows in steps until the p99 latency from
/// ingest to append passes 20 ms or the silo's CPU is saturated. Prints one row per step.
/// </summary>
internal static class IngestLoad
{
    private const string ApiKey = "devkey";
    private const string ApiSecret = "load-test-secret-load-test-secret";
    private const string AdminKey = "load-test-admin-key";

    public static async Task<int> RunAsync(string[] args)
    {
        var silo = Option(args, "--silo", "src/Silo/bin/Release/net10.0/Scribe.Silo.dll");
        var start = int.Parse(Option(args, "--start", "100"), CultureInfo.InvariantCulture);
        var step = int.Parse(Option(args, "--step", "200"), CultureInfo.InvariantCulture);
        var max = int.Parse(Option(args, "--max", "3000"), CultureInfo.InvariantCulture);
        var seconds = int.Parse(Option(args, "--seconds", "10"), CultureInfo.InvariantCulture);
        var frameMs = int.Parse(Option(args, "--frame-ms", "20"), CultureInfo.InvariantCulture);
        // The first step also waits this long: under load the silo's JIT tiers up the hot paths first and the rarely
        // called ones (timers, probes) for a minute or more after, all on the silo's own core, which a server that
        // runs for days has long done (measured: JIT took a sixth of a one-core silo 70 s in).
        var warmup = int.Parse(Option(args, "--warmup", "90"), CultureInfo.InvariantCulture);
        // Then at most this long more, at every step, until the silo's JIT is quiet (0: no wait, as before #19's finding).
        var jitSettle = TimeSpan.FromSeconds(int.Parse(Option(args, "--jit-settle", "120"), CultureInfo.InvariantCulture));
        var ramp = int.Parse(Option(args, "--ramp", "100"), CultureInfo.InvariantCulture);
        // The tone is not speech to Silero: Energy measures the audio path with every stream talking; Silero runs
        // speak flite sentences instead, and --speaking sets how many streams talk at all (a meeting is mostly
        // listeners, whose microphones carry a quiet noise floor).
        var vad = Option(args, "--vad", "Energy");
        var voice = Option(args, "--voice", vad.Equals("Silero", StringComparison.OrdinalIgnoreCase) ? "flite" : "tone");
        var speaking = double.Parse(Option(args, "--speaking", "1"), CultureInfo.InvariantCulture);
        // Transcription:VadGateDbfs for the silo; −120 shows Silero every frame that is not digital silence.
        var gate = Option(args, "--vad-gate", "-60");
        // On a small machine the silo gets cores of its own and this process (generator and fake endpoints) the
        // rest, so neither steals from the other; 0 shares all cores as before.
        var siloCores = int.Parse(Option(args, "--silo-cores", Environment.ProcessorCount >= 2 ? "1" : "0"), CultureInfo.InvariantCulture);
        if (!File.Exists(silo))
        {
            Console.Error.WriteLine($"{silo} not found: build the solution in Release first (dotnet build -c Release)");
            return 2;
        }

        if (siloCores < 0 || siloCores >= Environment.ProcessorCount && siloCores != 0)
        {
            Console.Error.WriteLine($"--silo-cores {siloCores}: this machine has {Environment.ProcessorCount} cores and the load generator needs one");
            return 2;
        }

        var siloCpus = siloCores == 0 ? null : $"0-{siloCores - 1}";
        var loadCpus = siloCores == 0 ? null : $"{siloCores}-{Environment.ProcessorCount - 1}";
        if (loadCpus is not null)
        {
            await PinAsync(Environment.ProcessId, loadCpus);
        }

        // The generator is a managed thread: a blocking full collection in this process would stop the egress clock.
        System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.SustainedLowLatency;
        var talking = await SignalAsync(voice, frameMs);
        var listening = new EgressSignal(EgressSignal.NoiseFloor(5, seed: 3), frameMs, speaking: false);

        var endpoints = new List<FakeVllmServer>();
        for (var i = 0; i < 4; i++)
        {
            var endpoint = await FakeVllmServer.StartAsync(maxSessions: 100_000);
            endpoint.Transcribes = false;
            endpoint.DoneDelay = TimeSpan.FromMilliseconds(5);
            endpoints.Add(endpoint);
        }

        await using var liveKit = await EgressRecorder.StartAsync();
        var port = Loopback.FreePort();
        using var process = StartSilo(silo, port, liveKit.Url, endpoints, vad, gate, siloCpus);
        using var stopSilo = new SiloGuard(process); // whatever ends this run, an exception included, ends the silo
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        await WaitReadyAsync(http, process);

        var webhooks = new LiveKitWebhookSender(http, ApiKey, ApiSecret);
        using var generator = new EgressLoadGenerator(frameMs);
        var cores = siloCores == 0 ? $"all {Environment.ProcessorCount} cores shared with the load" : $"silo on CPU {siloCpus}, load generator and fakes on CPU {loadCpus}";
        Console.WriteLine($"Silo pid {process.Id}; {cores}; frames of {frameMs} ms; VAD {vad}{(vad.Equals("Silero", StringComparison.OrdinalIgnoreCase) ? $" (gate {gate} dBFS)" : "")}; {speaking:P0} of streams speaking ({voice}); {seconds} s per step; 4 fake endpoints in this process.\n");
        Console.WriteLine("| streams | silo CPU (cores) | silo µs per frame | silo RSS (MB) | RSS per stream (KB) | delay p50 (ms) | delay p99 (ms) | append p99 (ms) | GC pauses (ms/s) | JIT (ms/s) | others on silo cores | load CPU (cores) | late ticks | max tick lag (ms) | sockets closed |");
        Console.WriteLine("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        var baselineRss = Rss(process.Id);
        var best = 0;
        var bestSpeaking = 0;
        var assigned = 0;
        var jitWaits = new List<string>();
        for (var n = start; n <= max; n += step)
        {
            await GrowAsync(generator, generator.Count, n, ramp, webhooks, new Uri(http.BaseAddress!, "livekit/webhook"), liveKit, i =>
            {
                // Spread the talkers evenly: stream i talks when the running share of talkers crosses a whole number.
                var talks = Math.Floor((i + 1) * speaking) > Math.Floor(i * speaking);
                assigned += talks ? 1 : 0;
                return talks ? talking : listening;
            });
            await Task.Delay(TimeSpan.FromSeconds(n == start ? warmup : 3)); // settle: sessions open, first generations
            var jitWait = await SettleJitAsync(http, jitSettle);
            jitWaits.Add(string.Create(CultureInfo.InvariantCulture, $"{n}: {(jitWait is { } wait ? $"{wait.TotalSeconds:F0} s" : "still busy")}"));

            var before = await LatencyAsync(http, "scribe_audio_append_latency");
            var delayBefore = await LatencyAsync(http, "scribe_audio_append_delay");
            var pausesBefore = await GcPauseSecondsAsync(http);
            var jitBefore = await JitSecondsAsync(http);
            var siloBefore = CpuSeconds(process.Id);
            var coresBefore = BusySeconds(siloCores == 0 ? Environment.ProcessorCount : siloCores);
            var loadBefore = CpuSeconds(Environment.ProcessId);
            var lateBefore = generator.LateTicks;
            var ticksBefore = generator.Ticks;
            generator.TakeMaxLag();
            var clock = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var elapsed = clock.Elapsed.TotalSeconds;
            var siloUse = (CpuSeconds(process.Id) - siloBefore) / elapsed;
            var loadUse = (CpuSeconds(Environment.ProcessId) - loadBefore) / elapsed;
            // The machine is shared: whatever else ran on the silo's cores took time the silo may have needed.
            var others = Math.Max(0, (BusySeconds(siloCores == 0 ? Environment.ProcessorCount : siloCores) - coresBefore) / elapsed - siloUse - (siloCores == 0 ? loadUse : 0));
            var late = generator.LateTicks - lateBefore;
            var ticks = generator.Ticks - ticksBefore;
            var maxLag = generator.TakeMaxLag();
            var after = await LatencyAsync(http, "scribe_audio_append_latency");
            var delayAfter = await LatencyAsync(http, "scribe_audio_append_delay");
            var pauses = (await GcPauseSecondsAsync(http) - pausesBefore) / elapsed * 1000;
            var jit = (await JitSecondsAsync(http) - jitBefore) / elapsed * 1000;
            var rss = Rss(process.Id);
            var (_, p99) = Percentiles(before, after);
            var (delay50, delay99) = Percentiles(delayBefore, delayAfter);
            var closed = generator.CountClosed();
            var perFrame = siloUse / (n * 1000.0 / frameMs) * 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {n} | {siloUse:F2} | {perFrame:F1} | {rss / 1e6:F0} | {(rss - baselineRss) / 1e3 / n:F0} | {delay50:F2} | {delay99:F2} | {p99:F2} | {pauses:F1} | {jit:F0} | {others:F2} | {loadUse:F2} | {late} of {ticks} | {maxLag.TotalMilliseconds:F1} | {closed} |"));
            var saturated = siloUse > 0.95 * (siloCores == 0 ? Environment.ProcessorCount : siloCores);
            if (delay99 > 20 || saturated || late > ticks / 10 || closed > 0)
            {
                var reason = delay99 > 20 ? "p99 delay over 20 ms" : saturated ? "silo CPU saturated" : closed > 0 ? $"{closed} ingest sockets closed by the silo" : "the load generator could not keep real-time pace";
                Console.WriteLine($"\nStopped at {n} streams: {reason}.");
                break;
            }

            (best, bestSpeaking) = (n, assigned);
        }

        if (jitSettle > TimeSpan.Zero)
        {
            Console.WriteLine($"Waited for the silo's JIT to settle before each step's window: {string.Join(", ", jitWaits)}");
        }

        Console.WriteLine($"Highest N held: {best} ({bestSpeaking} of them speaking){(siloCores == 0 ? "" : $" on {siloCores} silo core(s)")}");
        Stop(process);
        foreach (var endpoint in endpoints)
        {
            await endpoint.DisposeAsync();
        }

        return 0;
    }

    /// <summary>The talkers' signal: the tone, or the flite corpus as one speaker talking on and off.</summary>
    private static async Task<EgressSignal> SignalAsync(string voice, int frameMs) => voice switch
    {
        "tone" => new EgressSignal(EgressSignal.Tone(), frameMs, speaking: true),
        "flite" => new EgressSignal(EgressSignal.Sentences((await FliteCorpus.LoadAsync()).Select(s => s.Pcm48kStereo)), frameMs, speaking: true),
        _ => throw new ArgumentException($"--voice {voice}: tone or flite"),
    };

    /// <summary>Pins every thread of a process (and so the threads it starts later) to <paramref name="cpus"/>.</summary>
    internal static async Task PinAsync(int pid, string cpus)
    {
        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpus, pid.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true })!;
        await taskset.StandardOutput.ReadToEndAsync();
        await taskset.WaitForExitAsync();
        if (taskset.ExitCode != 0)
        {
            throw new InvalidOperationException($"taskset could not pin process {pid} to CPU {cpus}");
        }
    }

    /// <summary>
    /// Adds rooms of ten speakers from stream <paramref name="from"/> up to <paramref name="count"/>, at most
    /// <paramref name="perSecond"/> streams a second: people join a meeting over minutes, and hundreds of sessions
    /// opened in the same instant would measure a connection storm, not a steady load.
    /// </summary>
    private static async Task GrowAsync(
        EgressLoadGenerator generator, int from, int count, int perSecond, LiveKitWebhookSender webhooks, Uri webhookUrl, EgressRecorder liveKit,
        Func<int, EgressSignal> signalFor)
    {
        const int Batch = 10;
        for (var first = from; first < count; first += Batch)
        {
            var began = Stopwatch.GetTimestamp();
            var pending = new List<Task<EgressStream>>();
            for (var i = first; i < Math.Min(first + Batch, count); i++)
            {
                var room = new LiveKitRoom { Name = $"load-{i / 10}", Sid = $"RM_{i / 10}" };
                if (i % 10 == 0)
                {
                    await webhooks.RoomStartedAsync(webhookUrl, room, CancellationToken.None);
                }

                var participant = new LiveKitParticipant { Identity = $"s{i}", Name = $"Speaker {i}", Sid = $"PA_{i}" };
                var track = LiveKitWebhookSender.MicrophoneTrack($"TR_{i}");
                await webhooks.TrackPublishedAsync(webhookUrl, room, participant, track, CancellationToken.None);
                pending.Add(ConnectAsync(liveKit, track.Sid, signalFor(i), i));
            }

            generator.Add(await Task.WhenAll(pending));
            var due = TimeSpan.FromSeconds(pending.Count / (double)perSecond) - Stopwatch.GetElapsedTime(began);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }
        }
    }

    private static async Task<EgressStream> ConnectAsync(EgressRecorder liveKit, string trackSid, EgressSignal signal, int index)
    {
        var url = await liveKit.UrlFor(trackSid).WaitAsync(TimeSpan.FromSeconds(30));
        // Streams start at different points of their signal, so talkers do not pause in step, and at different
        // frames of their first 100 ms.
        return await EgressLoadGenerator.ConnectAsync(url, signal, index * 7_919, index / 4 % 5, CancellationToken.None);
    }

    private static async Task<Dictionary<double, double>> LatencyAsync(HttpClient http, string histogram)
    {
        var text = await http.GetStringAsync("metrics");
        var buckets = new Dictionary<double, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(histogram, StringComparison.Ordinal) || !line.Contains("_bucket{", StringComparison.Ordinal))
            {
                continue;
            }

            var le = line[(line.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
            le = le[..le.IndexOf('"', StringComparison.Ordinal)];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + value;
        }

        return buckets;
    }

    /// <summary>The silo's total GC pause time so far (the System.Runtime meter's dotnet.gc.pause.time).</summary>
    private static Task<double> GcPauseSecondsAsync(HttpClient http) => CounterAsync(http, "dotnet_gc_pause_time_seconds_total");

    /// <summary>The silo's total JIT time so far (dotnet.jit.compilation.time), tier-up recompiles included.</summary>
    private static Task<double> JitSecondsAsync(HttpClient http) => CounterAsync(http, "dotnet_jit_compilation_time_seconds_total");

    private static async Task<double> CounterAsync(HttpClient http, string name)
    {
        var text = await http.GetStringAsync("metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// After a step's warm-up, waits (up to <paramref name="limit"/> more) until the silo's JIT has taken under 1 % of a
    /// core for 15 s in a row (tier-up comes in bursts). Until then the hot path may still run unoptimised or
    /// instrumented code and the tier-up compiles land in the window: on the pinned core that doubled the audio path's
    /// CPU for the first 40–60 s, so a 30 s warm-up measured how far tiering had got, not the build (#19). A new step
    /// tiers up more (new rooms and participants reach the call counts).
    /// </summary>
    /// <returns>How long it waited; null if the JIT was still busy at the end (or no wait was asked for).</returns>
    private static async Task<TimeSpan?> SettleJitAsync(HttpClient http, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        var last = await JitSecondsAsync(http);
        var quiet = 0;
        while (waited.Elapsed < limit)
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            var now = await JitSecondsAsync(http);
            quiet = now - last < 0.05 ? quiet + 1 : 0;
            if (quiet == 3)
            {
                return waited.Elapsed;
            }

            last = now;
        }

        return null;
    }

    /// <summary>p50 and p99 of the observations between two scrapes, interpolated within buckets.</summary>
    private static (double P50, double P99) Percentiles(Dictionary<double, double> before, Dictionary<double, double> after)
    {
        var bounds = after.Keys.Order().ToList();
        var counts = bounds.Select(b => after[b] - before.GetValueOrDefault(b)).ToList();
        var total = counts.Count == 0 ? 0 : counts[^1];
        double Quantile(double q)
        {
            if (total <= 0)
            {
                return double.NaN;
            }

            var target = q * total;
            for (var i = 0; i < bounds.Count; i++)
            {
                if (counts[i] < target)
                {
                    continue;
                }

                var lower = i == 0 ? 0 : bounds[i - 1];
                var below = i == 0 ? 0 : counts[i - 1];
                var upper = double.IsInfinity(bounds[i]) ? lower : bounds[i];
                return counts[i] == below ? upper : lower + (upper - lower) * (target - below) / (counts[i] - below);
            }

            return double.NaN;
        }

        return (Quantile(0.5), Quantile(0.99));
    }

    internal static double CpuSeconds(int pid)
    {
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ
    }

    // In a /proc/stat cpu line: user nice system idle iowait irq softirq steal; busy is all but idle and iowait.
    private static readonly int[] BusyFields = [1, 2, 3, 6, 7, 8];

    /// <summary>Busy time of CPUs 0 … <paramref name="cpus"/> − 1, from /proc/stat.</summary>
    private static double BusySeconds(int cpus)
    {
        var busy = 0L;
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields[0].StartsWith("cpu", StringComparison.Ordinal) && fields[0].Length > 3
                && int.Parse(fields[0].AsSpan(3), CultureInfo.InvariantCulture) < cpus)
            {
                busy += BusyFields.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
            }
        }

        return busy / 100.0; // USER_HZ
    }

    internal static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static Process StartSilo(string dll, int port, Uri liveKit, List<FakeVllmServer> endpoints, string vad, string gate, string? cpus)
    {
        // taskset execs dotnet in place: the pid is the silo's, and every thread it starts inherits the CPU set
        // (the runtime then also sizes its thread pool and GC for those cores, as in a container with a CPU limit).
        var start = cpus is null
            ? new ProcessStartInfo("dotnet", [dll])
            : new ProcessStartInfo("taskset", ["-c", cpus, "dotnet", dll]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Admin__ApiKey"] = AdminKey;
        start.Environment["LiveKit__Url"] = liveKit.ToString();
        start.Environment["LiveKit__ApiKey"] = ApiKey;
        start.Environment["LiveKit__ApiSecret"] = ApiSecret;
        start.Environment["LiveKit__Audio"] = "Egress"; // this load is the egress path's ingest
        start.Environment["Cluster__SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Cluster__GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["Transcription__VadMode"] = vad;
        start.Environment["Transcription__VadGateDbfs"] = gate;
        // Thread-pool workers spin before they sleep; with thousands of tiny socket callbacks that spinning is
        // most of the CPU a silo shows (measured with perf: sched_yield on top). The deployment sets it to 0 too.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") ?? "0";
        foreach (var name in new[] { "DOTNET_PerfMapEnabled", "DOTNET_EnableWriteXorExecute", "DOTNET_gcServer", "DOTNET_TieredPGO", "DOTNET_TieredCompilation", "DOTNET_GCgen0size" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        // The stub below is only LiveKit's egress service: nothing to send transcripts into.
        start.Environment["LiveKit__PublishTranscripts"] = "false";
        for (var i = 0; i < endpoints.Count; i++)
        {
            start.Environment[$"Inference__Endpoints__{i}__Name"] = $"fast-{i}";
            start.Environment[$"Inference__Endpoints__{i}__Url"] = endpoints[i].RealtimeUrl.ToString();
            start.Environment[$"Inference__Endpoints__{i}__Model"] = endpoints[i].Model;
            start.Environment[$"Inference__Endpoints__{i}__MaxSessions"] = "100000";
        }

        var process = Process.Start(start)!;
        Directory.CreateDirectory("artifacts");
        var log = new StreamWriter("artifacts/ingest-load-silo.log") { AutoFlush = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 })
            {
                Console.Error.WriteLine($"silo: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitReadyAsync(HttpClient http, Process process)
    {
        for (var i = 0; i < 240 && !process.HasExited; i++)
        {
            try
            {
                if ((await http.GetAsync("readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException("the silo did not become ready");
    }

    private sealed class SiloGuard(Process process) : IDisposable
    {
        public void Dispose() => Stop(process);
    }

    private static void Stop(Process process)
    {
        if (process.HasExited)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    internal static string Option(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }

    /// <summary>
    /// LiveKit's egress service reduced to what a load run needs: answers StartTrackEgress and hands the
    /// websocket_url to the load generator, which then plays egress itself.
    /// </summary>
    private sealed class EgressRecorder : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, TaskCompletionSource<Uri>> _urls = new();

        private EgressRecorder(WebApplication app) => _app = app;

        public Uri Url { get; private set; } = null!;

        public Task<Uri> UrlFor(string trackSid) => _urls.GetOrAdd(trackSid, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public static async Task<EgressRecorder> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var recorder = new EgressRecorder(app);
            var sequence = 0;
            app.MapPost("/twirp/livekit.Egress/StartTrackEgress", async (HttpRequest request) =>
            {
                using var body = await JsonDocument.ParseAsync(request.Body);
                var track = body.RootElement.GetProperty("track_id").GetString()!;
                var url = new Uri(body.RootElement.GetProperty("websocket_url").GetString()!);
                recorder._urls.GetOrAdd(track, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(url);
                return Results.Json(new { egress_id = $"EG_{Interlocked.Increment(ref sequence)}", room_name = body.RootElement.GetProperty("room_name").GetString(), status = "EGRESS_STARTING" });
            });
            app.MapPost("/twirp/livekit.Egress/StopEgress", () => Results.Json(new { status = "EGRESS_COMPLETE" }));
            await app.StartAsync();
            recorder.Url = Loopback.AddressOf(app);
            return recorder;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
