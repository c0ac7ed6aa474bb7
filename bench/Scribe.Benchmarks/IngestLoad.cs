using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
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
        // The load signal is a tone, which Silero rightly does not take for speech: Energy measures the audio path,
        // Silero adds what voice detection costs on every frame.
        var vad = Option(args, "--vad", "Energy");
        if (!File.Exists(silo))
        {
            Console.Error.WriteLine($"{silo} not found: build the solution in Release first (dotnet build -c Release)");
            return 2;
        }

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
        using var process = StartSilo(silo, port, liveKit.Url, endpoints, vad);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        await WaitReadyAsync(http, process);

        var webhooks = new LiveKitWebhookSender(http, ApiKey, ApiSecret);
        var streams = new List<ClientWebSocket>();
        var signal = Signal();
        using var invoker = new HttpMessageInvoker(new RawAudioHandshake());
        Console.WriteLine($"Silo pid {process.Id}; frames of {frameMs} ms; VAD {vad}; {seconds} s per step; 4 fake endpoints in this process.\n");
        Console.WriteLine("| streams | silo CPU (cores) | silo RSS (MB) | RSS per stream (KB) | append p50 (ms) | append p99 (ms) | late ticks | sockets closed |");
        Console.WriteLine("|--:|--:|--:|--:|--:|--:|--:|--:|");
        var baselineRss = Rss(process);
        var best = 0;
        for (var n = start; n <= max; n += step)
        {
            await GrowAsync(streams, n, webhooks, new Uri(http.BaseAddress!, "livekit/webhook"), liveKit, invoker);
            using var sending = new CancellationTokenSource();
            var lateTicks = 0;
            var lostSockets = 0;
            var sender = SendAsync(streams, signal, frameMs, () => lateTicks++, () => Interlocked.Increment(ref lostSockets), sending.Token);
            await Task.Delay(TimeSpan.FromSeconds(3)); // settle
            var before = await LatencyAsync(http);
            var cpuBefore = CpuSeconds(process);
            var clock = Stopwatch.StartNew();
            lateTicks = 0;
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            var cores = (CpuSeconds(process) - cpuBefore) / clock.Elapsed.TotalSeconds;
            var after = await LatencyAsync(http);
            var late = lateTicks;
            await sending.CancelAsync();
            await sender;
            var rss = Rss(process);
            var (p50, p99) = Percentiles(before, after);
            var closed = streams.Count(s => s.State != WebSocketState.Open);
            Console.WriteLine($"| {n} | {cores:F2} | {rss / 1e6:F0} | {(rss - baselineRss) / 1e3 / n:F0} | {p50:F2} | {p99:F2} | {late} | {closed} |");
            if (p99 > 20 || cores > 1.9 || late > seconds * 1000 / frameMs / 10 || closed > 0)
            {
                var reason = p99 > 20 ? "p99 over 20 ms" : cores > 1.9 ? "silo CPU saturated" : closed > 0 ? $"{closed} ingest sockets closed by the silo" : "the load generator could not keep real-time pace";
                Console.WriteLine($"\nStopped at {n} streams: {reason}.");
                break;
            }

            best = n;
        }

        Console.WriteLine($"Highest N held: {best}");
        foreach (var socket in streams) socket.Abort();
        Stop(process);
        foreach (var endpoint in endpoints) await endpoint.DisposeAsync();
        return 0;
    }

    /// <summary>Adds rooms of ten speakers until there are <paramref name="count"/> streams.</summary>
    private static async Task GrowAsync(
        List<ClientWebSocket> streams, int count, LiveKitWebhookSender webhooks, Uri webhookUrl, EgressRecorder liveKit, HttpMessageInvoker invoker)
    {
        var pending = new List<Task<ClientWebSocket>>();
        for (var i = streams.Count; i < count; i++)
        {
            var room = new LiveKitRoom { Name = $"load-{i / 10}", Sid = $"RM_{i / 10}" };
            if (i % 10 == 0) await webhooks.RoomStartedAsync(webhookUrl, room, CancellationToken.None);
            var participant = new LiveKitParticipant { Identity = $"s{i}", Name = $"Speaker {i}", Sid = $"PA_{i}" };
            var track = LiveKitWebhookSender.MicrophoneTrack($"TR_{i}");
            await webhooks.TrackPublishedAsync(webhookUrl, room, participant, track, CancellationToken.None);
            pending.Add(ConnectAsync(liveKit, track.Sid, invoker));
        }

        streams.AddRange(await Task.WhenAll(pending));
    }

    private static async Task<ClientWebSocket> ConnectAsync(EgressRecorder liveKit, string trackSid, HttpMessageInvoker invoker)
    {
        var url = await liveKit.UrlFor(trackSid).WaitAsync(TimeSpan.FromSeconds(30));
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, invoker, CancellationToken.None);
        return socket;
    }

    /// <summary>One frame per stream per tick, at real-time pace; streams start at different points of the signal.</summary>
    private static async Task SendFrameAsync(ClientWebSocket socket, ReadOnlyMemory<byte> frame, Action lost, CancellationToken cancellationToken)
    {
        if (socket.State != WebSocketState.Open) return;
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, true, cancellationToken);
        }
        catch (WebSocketException)
        {
            lost();
        }
    }

    private static async Task SendAsync(List<ClientWebSocket> streams, byte[] signal, int frameMs, Action late, Action lost, CancellationToken cancellationToken)
    {
        var frameBytes = frameMs * 48 * 4;
        var positions = streams.Select((_, i) => i * 7_919 * 4 % (signal.Length - frameBytes) / 4 * 4).ToArray();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(frameMs));
        var sends = new Task[streams.Count];
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var tick = Stopwatch.GetTimestamp();
                for (var i = 0; i < streams.Count; i++)
                {
                    if (positions[i] + frameBytes > signal.Length) positions[i] = 0;
                    sends[i] = SendFrameAsync(streams[i], signal.AsMemory(positions[i], frameBytes), lost, cancellationToken);
                    positions[i] += frameBytes;
                }

                await Task.WhenAll(sends);
                if (Stopwatch.GetElapsedTime(tick).TotalMilliseconds > frameMs) late();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Speech-like load: 5 s of tone, then 0.8 s of silence, so generations open and close.</summary>
    private static byte[] Signal()
    {
        var samples = 5_800 * 48;
        var pcm = new byte[samples * 4];
        for (var i = 0; i < 5_000 * 48; i++)
        {
            var value = (short)(8_000 * Math.Sin(2 * Math.PI * 440 * i / 48_000.0));
            BitConverter.TryWriteBytes(pcm.AsSpan(i * 4), value);
            BitConverter.TryWriteBytes(pcm.AsSpan(i * 4 + 2), value);
        }

        return pcm;
    }

    private static async Task<Dictionary<double, double>> LatencyAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("metrics");
        var buckets = new Dictionary<double, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith("scribe_audio_append_latency", StringComparison.Ordinal) || !line.Contains("_bucket{", StringComparison.Ordinal)) continue;
            var le = line[(line.IndexOf("le=\"", StringComparison.Ordinal) + 4)..];
            le = le[..le.IndexOf('"', StringComparison.Ordinal)];
            var bound = le == "+Inf" ? double.PositiveInfinity : double.Parse(le, CultureInfo.InvariantCulture);
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            buckets[bound] = buckets.GetValueOrDefault(bound) + value;
        }

        return buckets;
    }

    /// <summary>p50 and p99 of the observations between two scrapes, interpolated within buckets.</summary>
    private static (double P50, double P99) Percentiles(Dictionary<double, double> before, Dictionary<double, double> after)
    {
        var bounds = after.Keys.Order().ToList();
        var counts = bounds.Select(b => after[b] - before.GetValueOrDefault(b)).ToList();
        var total = counts.Count == 0 ? 0 : counts[^1];
        double Quantile(double q)
        {
            if (total <= 0) return double.NaN;
            var target = q * total;
            for (var i = 0; i < bounds.Count; i++)
            {
                if (counts[i] < target) continue;
                var lower = i == 0 ? 0 : bounds[i - 1];
                var below = i == 0 ? 0 : counts[i - 1];
                var upper = double.IsInfinity(bounds[i]) ? lower : bounds[i];
                return counts[i] == below ? upper : lower + (upper - lower) * (target - below) / (counts[i] - below);
            }

            return double.NaN;
        }

        return (Quantile(0.5), Quantile(0.99));
    }

    private static double CpuSeconds(Process process)
    {
        var fields = File.ReadAllText($"/proc/{process.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0; // USER_HZ
    }

    private static long Rss(Process process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static Process StartSilo(string dll, int port, Uri liveKit, List<FakeVllmServer> endpoints, string vad)
    {
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Admin__ApiKey"] = AdminKey;
        start.Environment["LiveKit__Url"] = liveKit.ToString();
        start.Environment["LiveKit__ApiKey"] = ApiKey;
        start.Environment["LiveKit__ApiSecret"] = ApiSecret;
        start.Environment["Cluster__SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Cluster__GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Transcription__VadMode"] = vad;
        // Thread-pool workers spin before they sleep; with thousands of tiny socket callbacks that spinning is
        // most of the CPU a silo shows (measured with perf: sched_yield on top). The deployment sets it to 0 too.
        start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") ?? "0";
        foreach (var name in new[] { "DOTNET_PerfMapEnabled", "DOTNET_gcServer" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value) start.Environment[name] = value;
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
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"silo: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process process)
    {
        for (var i = 0; i < 240 && !process.HasExited; i++)
        {
            try
            {
                if ((await http.GetAsync("readyz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new InvalidOperationException("the silo did not become ready");
    }

    private static void Stop(Process process)
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    private static string Option(string[] args, string name, string fallback)
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
