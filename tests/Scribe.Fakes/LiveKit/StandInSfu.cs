using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// The stand-in SFU (tests/interop/sfu/sfu.mjs) as a child process: LiveKit signalling and WebRTC for the real
/// client SDK, and its control API under <c>/_standin/</c> to play participants and read what a viewer received.
/// Needs <c>scripts/setup/sfu.sh</c>. The node process is killed on dispose.
/// </summary>
public sealed class StandInSfu : IAsyncDisposable
{
    private const string SetupHint = "run scripts/setup/sfu.sh (installs the stand-in SFU's npm packages, flite and opus-tools)";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly StringBuilder _log;

    private StandInSfu(Process process, StringBuilder log, int port, string apiKey, string apiSecret)
    {
        _process = process;
        _log = log;
        Port = port;
        ApiKey = apiKey;
        ApiSecret = apiSecret;
        HttpUrl = new Uri($"http://127.0.0.1:{port}/");
        Url = new Uri($"ws://127.0.0.1:{port}");
        _http = new HttpClient { BaseAddress = new Uri(HttpUrl, "_standin/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>What a LiveKit client dials (<c>LiveKit:Url</c>): <c>ws://127.0.0.1:port</c>.</summary>
    public Uri Url { get; }

    public Uri HttpUrl { get; }

    public string ApiKey { get; }

    public string ApiSecret { get; }

    public int ProcessId => _process.Id;

    /// <summary>The SFU's own log lines (JSON, from its stderr), for a failing test's message.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The stand-in's directory (tests/interop/sfu), found above the running binaries.</summary>
    public static string Directory { get; } = FindDirectory();

    /// <summary>Starts <c>node sfu.mjs --key K --secret S --port 0</c> and waits for its ready line.</summary>
    public static async Task<StandInSfu> StartAsync(
        string apiKey,
        string apiSecret,
        TimeSpan? departureTimeout = null,
        CancellationToken cancellationToken = default)
    {
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "werift")))
        {
            throw new InvalidOperationException($"The stand-in SFU is not installed: {SetupHint}.");
        }

        var start = new ProcessStartInfo(NodeExecutable())
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "sfu.mjs", "--key", apiKey, "--secret", apiSecret, "--port", "0" })
        {
            start.ArgumentList.Add(argument);
        }

        if (departureTimeout is { } departure)
        {
            start.ArgumentList.Add("--departure-timeout-ms");
            start.ArgumentList.Add(((long)departure.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, line) => Append(log, line.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"node did not start: {SetupHint}.");
        }

        try
        {
            process.BeginErrorReadLine();
            var port = await ReadReadyPortAsync(process, log, cancellationToken);
            return new StandInSfu(process, log, port, apiKey, apiSecret);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>A simulated participant joins (it publishes nothing until <see cref="PublishMicrophoneAsync"/>).</summary>
    public async Task<string> AddParticipantAsync(string room, string identity, string? name = null, string kind = "standard", CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Post, $"rooms/{Escape(room)}/participants", new JsonObject
        {
            ["identity"] = identity,
            ["name"] = name ?? identity,
            ["kind"] = kind,
        }, cancellationToken);
        return answer["sid"]!.GetValue<string>();
    }

    /// <summary>
    /// Publishes the participant's microphone (or adds utterances to it) and plays each Ogg Opus file at its offset
    /// from now, with no packet between utterances (DTX). Returns the track sid.
    /// </summary>
    public async Task<string> PublishMicrophoneAsync(string room, string identity, IReadOnlyList<StandInUtterance> utterances, CancellationToken cancellationToken = default)
    {
        var list = new JsonArray();
        foreach (var utterance in utterances)
        {
            list.Add(new JsonObject { ["atMs"] = (long)utterance.At.TotalMilliseconds, ["file"] = utterance.File });
        }

        var answer = await SendAsync(HttpMethod.Post, $"{Microphone(room, identity)}", new JsonObject { ["utterances"] = list }, cancellationToken);
        return answer["trackSid"]!.GetValue<string>();
    }

    public Task MuteMicrophoneAsync(string room, string identity, bool muted, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"{Microphone(room, identity)}/mute", new JsonObject { ["muted"] = muted }, cancellationToken);

    public Task UnpublishMicrophoneAsync(string room, string identity, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, Microphone(room, identity), null, cancellationToken);

    /// <summary>The participant leaves (an SDK participant is told it was removed).</summary>
    public Task LeaveAsync(string room, string identity, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"rooms/{Escape(room)}/participants/{Escape(identity)}", null, cancellationToken);

    /// <summary>Cuts the participant's signalling without a leave; <paramref name="forget"/> also ends its session (a full reconnect).</summary>
    public Task DropAsync(string room, string identity, bool forget = false, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"rooms/{Escape(room)}/participants/{Escape(identity)}/drop", new JsonObject { ["forget"] = forget }, cancellationToken);

    /// <summary>Everyone is disconnected (room deleted), then the room is gone (<c>room_finished</c>).</summary>
    public Task CloseRoomAsync(string room, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"rooms/{Escape(room)}/close", null, cancellationToken);

    /// <summary>
    /// As LiveKit's <c>CreateAgentDispatch</c>: offers a room job to the workers registered under the name on
    /// <c>/agent</c>; answers once the job was assigned (<c>jobId</c>, <c>assigned</c>, <c>identity</c>) or ended
    /// without an agent (<c>status</c>, <c>reason</c>).
    /// </summary>
    public Task<JsonObject> DispatchAgentAsync(string room, string agentName, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, $"rooms/{Escape(room)}/dispatch", new JsonObject { ["agentName"] = agentName }, cancellationToken);

    /// <summary>Cuts every agent worker's <c>/agent</c> socket without a close (a lost connection).</summary>
    public Task DropAgentWorkersAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "agent-workers/drop", null, cancellationToken);

    /// <summary>Ends a dispatched job: its worker gets a <c>termination</c>.</summary>
    public Task TerminateJobAsync(string room, string jobId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"rooms/{Escape(room)}/dispatch/{Escape(jobId)}", null, cancellationToken);

    /// <summary>The room's participants (hidden and agents included), or null when there is no such room.</summary>
    public async Task<StandInRoom?> GetRoomAsync(string room, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri($"rooms/{Escape(room)}", UriKind.Relative), cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<StandInRoom>(Json, cancellationToken);
    }

    /// <summary>What a viewer in the room has received (after the server's forwarding rules).</summary>
    public async Task<StandInReceived> GetReceivedAsync(string room, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri($"rooms/{Escape(room)}/received", UriKind.Relative), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<StandInReceived>(Json, cancellationToken)
            ?? throw new InvalidOperationException("the stand-in SFU answered no body");
    }

    /// <summary>The SFU's log of room, participant, track and utterance events, oldest first.</summary>
    public async Task<IReadOnlyList<StandInEvent>> GetEventsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri("events", UriKind.Relative), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Json, cancellationToken);
        return [.. (body?["events"]?.AsArray() ?? []).Select(node => StandInEvent.From(node!.AsObject()))];
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        Kill(_process);
        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
    }

    private static string Microphone(string room, string identity) =>
        $"rooms/{Escape(room)}/participants/{Escape(identity)}/microphone";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonObject>(Json, cancellationToken) ?? [];
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new StandInSfuException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        }
    }

    private static async Task<int> ReadReadyPortAsync(Process process, StringBuilder log, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StandInSfuException($"the stand-in SFU printed no ready line within {ReadyTimeout.TotalSeconds} s");
        }

        if (line is null)
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            string stderr;
            lock (log)
            {
                stderr = log.ToString();
            }

            throw new StandInSfuException($"the stand-in SFU exited before it was ready ({SetupHint}): {stderr}");
        }

        var ready = JsonNode.Parse(line)?.AsObject();
        if (ready?["ready"]?.GetValue<bool>() != true || ready["port"] is not { } port)
        {
            throw new StandInSfuException($"unexpected first line from the stand-in SFU: {line}");
        }

        return port.GetValue<int>();
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string NodeExecutable()
    {
        var configured = Environment.GetEnvironmentVariable("NODE");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists) ?? throw new InvalidOperationException($"node is not on PATH (nor set in $NODE): {SetupHint}.");
    }

    private static string FindDirectory()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "tests", "interop", "sfu");
            if (File.Exists(Path.Combine(candidate, "sfu.mjs")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/interop/sfu not found above " + AppContext.BaseDirectory);
    }
}
