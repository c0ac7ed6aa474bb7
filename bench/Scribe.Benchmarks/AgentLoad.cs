using System.Diagnostics;
using System.Globalization;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Speech;
using Scribe.Fakes.Vllm;
using static Scribe.Benchmarks.IngestLoad;

namespace Scribe.Benchmarks;

/// <summary>
/// <c>agent-load</c>: what the agent-participant path (#20) costs a silo. N speakers in rooms of ten on the stand-in
/// SFU, a meeting mix (in each room one speaker talks at a time, flite sentences as Ogg Opus; the others send no
/// packets, as Opus DTX), the silo in <c>LiveKit:Audio=Agent</c> with its media process subscribed to every
/// microphone, recognition on fake vLLM endpoints that transcribe nothing (so its cost is not counted). Per step it
/// reads /proc of the silo and of its media process (CPU per speaker-second, RSS), and of the SFU separately.
/// Bounded: it stops after the last step, or when the agent cannot subscribe to every track.
/// </summary>
internal static class AgentLoad
{
    private const string ApiKey = "devkey";
    private const string ApiSecret = "agent-load-secret-agent-load-secret";
    private const string AdminKey = "agent-load-admin-key";
    private const int RoomSize = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        var silo = Option(args, "--silo", "src/Silo/bin/Release/net10.0/Scribe.Silo.dll");
        var steps = Option(args, "--speakers", "50,200").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Order().ToList();
        var seconds = int.Parse(Option(args, "--seconds", "20"), CultureInfo.InvariantCulture);
        var warmup = int.Parse(Option(args, "--warmup", "30"), CultureInfo.InvariantCulture);
        var ramp = int.Parse(Option(args, "--ramp", "20"), CultureInfo.InvariantCulture);
        var vad = Option(args, "--vad", "Energy");
        // Every microphone published but none talking: what the subscribed silent tracks alone cost.
        var silent = args.Contains("--silent");
        var siloCores = int.Parse(Option(args, "--silo-cores", Environment.ProcessorCount >= 2 ? "1" : "0"), CultureInfo.InvariantCulture);
        if (!File.Exists(silo))
        {
            Console.Error.WriteLine($"{silo} not found: build the solution in Release first (dotnet build -c Release)");
            return 2;
        }

        var siloCpus = siloCores == 0 ? null : $"0-{siloCores - 1}";
        var loadCpus = siloCores == 0 ? null : $"{siloCores}-{Environment.ProcessorCount - 1}";
        if (loadCpus is not null)
        {
            await PinAsync(Environment.ProcessId, loadCpus);
        }

        var corpus = await FliteCorpus.LoadAsync();
        var files = new List<(string File, TimeSpan Duration)>();
        foreach (var sentence in corpus)
        {
            files.Add((await OggOpusFiles.EncodeAsync(sentence), sentence.Duration));
        }

        var endpoints = new List<FakeVllmServer>();
        for (var i = 0; i < 2; i++)
        {
            var endpoint = await FakeVllmServer.StartAsync(maxSessions: 100_000);
            endpoint.Transcribes = false;
            endpoint.DoneDelay = TimeSpan.FromMilliseconds(5);
            endpoints.Add(endpoint);
        }

        await using var sfu = await StandInSfu.StartAsync(ApiKey, ApiSecret);
        if (loadCpus is not null)
        {
            await PinAsync(sfu.ProcessId, loadCpus);
        }

        var port = Loopback.FreePort();
        using var process = StartSilo(silo, port, sfu.Url, endpoints, vad, siloCpus);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            http.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
            await WaitReadyAsync(http, process);
            var media = await MediaProcessOfAsync(process.Id);
            var webhooks = new StandInWebhooks(sfu, new Scribe.Fakes.LiveKit.LiveKitWebhookSender(http, ApiKey, ApiSecret), new Uri(http.BaseAddress!, "livekit/webhook"));
            var run = new AgentLoadRooms(sfu, webhooks, files, endpoints, process.Id, media, TimeSpan.FromSeconds(warmup + steps.Count * (seconds + 90)), silent);
            var cores = siloCores == 0 ? $"all {Environment.ProcessorCount} cores shared" : $"silo and media process on CPU {siloCpus}, SFU, fakes and this process on CPU {loadCpus}";
            Console.WriteLine($"Silo pid {process.Id}, media process pid {media}, SFU pid {sfu.ProcessId}; {cores}; rooms of {RoomSize}, {(silent ? "nobody talking" : "one talker per room at a time")}; VAD {vad}; {seconds} s per step.\n");
            Console.WriteLine("| speakers | silo + media CPU (cores) | ms per speaker-second | silo share | media share | media RSS (MB) | media RSS per track (MB) | silo RSS (MB) | SFU CPU (cores) | SFU packets/s (planned) | generations opened | others on silo cores |");
            Console.WriteLine("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
            foreach (var n in steps)
            {
                if (!await run.GrowAsync(n, ramp))
                {
                    return 1;
                }

                await Task.Delay(TimeSpan.FromSeconds(n == steps[0] ? warmup : 10));
                Console.WriteLine(await run.MeasureAsync(n, seconds, siloCores));
            }

            return 0;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            foreach (var endpoint in endpoints)
            {
                await endpoint.DisposeAsync();
            }
        }
    }

    /// <summary>The silo's media process: its child running agent.mjs (started once the silo is up).</summary>
    private static async Task<int> MediaProcessOfAsync(int siloPid)
    {
        for (var i = 0; i < 200; i++)
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{siloPid}/task"))
            {
                foreach (var child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var cmdline = await File.ReadAllTextAsync($"/proc/{child}/cmdline");
                    if (cmdline.Contains("agent.mjs", StringComparison.Ordinal))
                    {
                        return int.Parse(child, CultureInfo.InvariantCulture);
                    }
                }
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("the silo started no media process (node … agent.mjs) within 20 s: is LiveKit:Audio=Agent taken, and scripts/setup/media.sh run?");
    }

    private static Process StartSilo(string dll, int port, Uri sfu, List<FakeVllmServer> endpoints, string vad, string? cpus)
    {
        var start = cpus is null ? new ProcessStartInfo("dotnet", [dll]) : new ProcessStartInfo("taskset", ["-c", cpus, "dotnet", dll]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Admin__ApiKey"] = AdminKey,
            ["LiveKit__Url"] = sfu.ToString(),
            ["LiveKit__Audio"] = "Agent",
            ["LiveKit__ApiKey"] = ApiKey,
            ["LiveKit__ApiSecret"] = ApiSecret,
            ["Cluster__SiloPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster__GatewayPort"] = Loopback.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Transcription__VadMode"] = vad,
            // As ingest-load sets it (and the deployment): thread-pool spinning is most of an idle-ish silo's CPU.
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
        };
        for (var i = 0; i < endpoints.Count; i++)
        {
            environment[$"Inference__Endpoints__{i}__Name"] = $"fast-{i}";
            environment[$"Inference__Endpoints__{i}__Url"] = endpoints[i].RealtimeUrl.ToString();
            environment[$"Inference__Endpoints__{i}__Model"] = endpoints[i].Model;
            environment[$"Inference__Endpoints__{i}__MaxSessions"] = "100000";
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        ChildProcessLog.WriteTo(process, "artifacts/agent-load-silo.log");
        return process;
    }
}
