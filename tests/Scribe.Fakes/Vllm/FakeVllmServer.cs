using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Scribe.Fakes.Vllm;

/// <summary>
/// A strict stand-in for vLLM's <c>/v1/realtime</c> (protocols.md §1) on loopback. It answers like vLLM, and it
/// also records every message our client should never send (appends outside a generation, appends after the
/// final commit, a commit while a generation runs, empty or odd-sized audio, oversized chunks, unknown events)
/// in <see cref="Violations"/>. Its transcript is decoded from the audio it received (<see cref="ToneSpeech"/>),
/// so lost, duplicated or reordered audio shows up in the words.
/// </summary>
public sealed class FakeVllmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<WebSocket, byte> _sockets = new();
    private int _active;
    private int _appendsUntilBreak = -1;

    private FakeVllmServer(WebApplication app, string model, int maxSessions)
    {
        _app = app;
        Model = model;
        MaxSessions = maxSessions;
    }

    public string Model { get; }

    public int MaxSessions { get; }

    public Uri RealtimeUrl { get; private set; } = null!;

    public Uri HttpUrl { get; private set; } = null!;

    /// <summary>How long the server takes from the final commit to <c>transcription.done</c>.</summary>
    public TimeSpan DoneDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Decode the audio into words (true), or only check the protocol and count samples (load runs).</summary>
    public bool Transcribes { get; set; } = true;

    /// <summary>Misbehaviour to inject: garbage events between real ones, sockets closed at random.</summary>
    public FakeVllmChaos Chaos { get; set; } = FakeVllmChaos.None;

    /// <summary>
    /// Sends one <c>transcription.delta</c> per 80 ms engine step (1,280 samples) of a running generation's audio, as
    /// vLLM does: the steps that finish no word send <c>""</c>, so most deltas are empty (protocols.md §1).
    /// </summary>
    public bool StepDeltas { get; set; } = true;

    /// <summary>
    /// Every n-th generation the server starts (0: none) dies in the engine: an <c>error</c> with code
    /// <c>processing_error</c> half a second into its audio (or at its final commit, if shorter), and no
    /// <c>transcription.done</c> ever; the connection stays open and later audio sits in a queue nobody reads.
    /// </summary>
    public int FailEveryNthGeneration { get; set; }

    private int _generationsStarted;
    private int _processingErrors;
    private int _emptyDeltas;

    /// <summary>Empty <c>transcription.delta</c> events sent so far.</summary>
    public int EmptyDeltas => Volatile.Read(ref _emptyDeltas);

    /// <summary>Generations failed with <c>processing_error</c> so far.</summary>
    public int ProcessingErrors => Volatile.Read(ref _processingErrors);

    /// <summary>Refuses new sessions (HTTP 503), as an endpoint that is down would.</summary>
    public bool Refusing { get; set; }

    /// <summary>The engine's limit on concurrent generations and what it made wait (vLLM's <c>--max-num-seqs</c>).</summary>
    public FakeGenerationSlots GenerationSlots { get; } = new();

    /// <summary>Concurrent generations the engine runs; a commit beyond them waits (default: no limit).</summary>
    public int MaxNumSeqs
    {
        get => GenerationSlots.Limit;
        set => GenerationSlots.Limit = value;
    }

    /// <summary>Commits the engine had to queue because <see cref="MaxNumSeqs"/> generations were running.</summary>
    public int GenerationsMadeToWait => GenerationSlots.MadeToWait;

    public ConcurrentQueue<string> Violations { get; } = new();

    public ConcurrentQueue<FakeGeneration> Generations { get; } = new();

    private int _sessionsOpened;

    public int SessionsOpened => Volatile.Read(ref _sessionsOpened);

    public int ActiveSessions => Volatile.Read(ref _active);

    /// <param name="listenUrl">Where it listens: a free loopback port by default; DNS discovery tests give each replica its own loopback address.</param>
    public static async Task<FakeVllmServer> StartAsync(string model = "mistralai/Voxtral-Mini-4B-Realtime-2602", int maxSessions = 64, string listenUrl = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listenUrl);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeVllmServer(app, model, maxSessions);
        app.UseWebSockets();
        app.MapGet("/health", () => server.Refusing ? Results.StatusCode(503) : Results.Ok());
        app.MapGet("/metrics", () => Results.Text(
            $"vllm:websocket_connections_active {server.ActiveSessions}\nvllm:num_requests_running {server.GenerationSlots.Running}\nvllm:num_requests_waiting {server.GenerationSlots.Waiting}\n",
            "text/plain; version=0.0.4"));
        app.Map("/v1/realtime", server.AcceptAsync);
        await app.StartAsync();
        server.HttpUrl = Loopback.AddressOf(app);
        server.RealtimeUrl = new UriBuilder(server.HttpUrl) { Scheme = "ws", Path = "/v1/realtime" }.Uri;
        return server;
    }

    public InferenceEndpoint Endpoint(string name, int? maxSessions = null) => new(name, RealtimeUrl, Model, maxSessions ?? MaxSessions);

    /// <summary>Drops every open socket without a close handshake, like a crashed server.</summary>
    public void KillAll()
    {
        foreach (var socket in _sockets.Keys)
        {
            socket.Abort();
        }
    }

    /// <summary>Aborts the socket that receives the <paramref name="appends"/>-th append from now (mid-utterance failure).</summary>
    public void BreakAfterAppends(int appends) => Volatile.Write(ref _appendsUntilBreak, appends);

    private async Task AcceptAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            return;
        }

        if (Refusing || Interlocked.Increment(ref _active) > MaxSessions)
        {
            if (!Refusing)
            {
                Interlocked.Decrement(ref _active);
            }

            http.Response.StatusCode = 503;
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        _sockets[socket] = 0;
        Interlocked.Increment(ref _sessionsOpened);
        try
        {
            await using var connection = new Connection(this, socket);
            await connection.RunAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            _sockets.TryRemove(socket, out _);
            Interlocked.Decrement(ref _active);
        }
    }

    public async ValueTask DisposeAsync()
    {
        KillAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One realtime connection, handled the way vLLM's serving loop does, plus strict checks.</summary>
    private sealed class Connection(FakeVllmServer server, WebSocket socket) : IAsyncDisposable
    {
        private readonly string _id = $"sess-{Guid.NewGuid():N}";
        private bool _validated;
        private List<short>? _generation;
        private int _emitted;
        private int _appendsInGeneration;
        private int _generationSamples;
        private int _stepSamples;
        private bool _doomed;
        private bool _dead;
        private bool _holdsSlot;

        /// <summary>A connection that goes mid-generation ends its engine request: the slot frees.</summary>
        public ValueTask DisposeAsync()
        {
            ReleaseSlot();
            return ValueTask.CompletedTask;
        }

        private void ReleaseSlot()
        {
            if (_holdsSlot)
            {
                _holdsSlot = false;
                server.GenerationSlots.Exit();
            }
        }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            await SendAsync(new { type = "session.created", id = _id, created = DateTimeOffset.UtcNow.ToUnixTimeSeconds() }, cancellationToken);
            var buffer = new ArrayBufferWriter<byte>();
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(8192), cancellationToken);
                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
                    return;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    // vLLM reads text only: its handler fails on a binary frame and the connection ends.
                    server.Violations.Enqueue("binary frame (vLLM reads text only)");
                    await socket.CloseOutputAsync(WebSocketCloseStatus.InvalidMessageType, "text frames only", cancellationToken);
                    return;
                }

                await HandleAsync(buffer.WrittenMemory, cancellationToken);
            }
        }

        private async Task HandleAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(message);
            }
            catch (JsonException)
            {
                await ViolateAsync("invalid JSON", "invalid_json", cancellationToken);
                return;
            }

            using var parsed = document;
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                // vLLM parses it, then fails to read it as an event.
                await ViolateAsync("event that is not a JSON object", "processing_error", cancellationToken);
                return;
            }

            switch (root.TryGetProperty("type", out var type) ? type.GetString() : null)
            {
                case "session.update":
                    if (!root.TryGetProperty("model", out var model) || model.GetString() is not { Length: > 0 } name)
                    {
                        await ViolateAsync("session.update without model", "invalid_event", cancellationToken);
                    }
                    else if (name != server.Model)
                    {
                        await ViolateAsync($"model {name} not served", "model_not_found", cancellationToken);
                    }
                    else
                    {
                        _validated = true;
                    }

                    break;

                case "input_audio_buffer.append":
                    await AppendAsync(root, cancellationToken);
                    break;

                case "input_audio_buffer.commit" when root.TryGetProperty("final", out var final) && final.ValueKind == JsonValueKind.True:
                    if (_doomed && _generation is not null)
                    {
                        await FailGenerationAsync(cancellationToken);
                        break;
                    }

                    if (_dead)
                    {
                        break; // the engine request is gone: nothing reads the commit
                    }

                    if (_generation is null)
                    {
                        await ViolateAsync("final commit without a running generation", "invalid_event", cancellationToken);
                        break;
                    }

                    await FinishGenerationAsync(cancellationToken);
                    break;

                case "input_audio_buffer.commit":
                    if (!_validated)
                    {
                        await ViolateAsync("commit before a validated session.update", "model_not_validated", cancellationToken);
                    }
                    else if (_generation is not null)
                    {
                        server.Violations.Enqueue("commit while a generation runs (vLLM ignores it)");
                    }
                    else
                    {
                        // Scheduled like a vLLM request: beyond the batch limit it queues, and this connection's
                        // later events (its audio) wait unread behind it.
                        ReleaseSlot(); // a stalled generation's request, given up by the client
                        await server.GenerationSlots.EnterAsync(cancellationToken);
                        _holdsSlot = true;
                        _generation = [];
                        _generationSamples = 0;
                        _emitted = 0;
                        _appendsInGeneration = 0;
                        _stepSamples = 0;
                        _dead = false;
                        var started = Interlocked.Increment(ref server._generationsStarted);
                        _doomed = server.FailEveryNthGeneration > 0 && started % server.FailEveryNthGeneration == 0;
                    }

                    break;

                default:
                    await ViolateAsync($"unknown event {root.GetRawText()[..Math.Min(80, root.GetRawText().Length)]}", "unknown_event", cancellationToken);
                    break;
            }
        }

        private async Task AppendAsync(JsonElement root, CancellationToken cancellationToken)
        {
            if (!root.TryGetProperty("audio", out var audio) || audio.ValueKind != JsonValueKind.String)
            {
                // vLLM fails to read the event before it looks at any audio.
                await ViolateAsync("append without audio", "processing_error", cancellationToken);
                return;
            }

            if (!TryDecodeAudio(root, out var bytes, out var length))
            {
                await ViolateAsync("append with invalid base64", "invalid_audio", cancellationToken);
                return;
            }

            if (length == 0 || length % 2 != 0)
            {
                await ViolateAsync($"append of {length} bytes (empty or not PCM16)", "invalid_audio", cancellationToken);
                return;
            }

            if (length > 16_000 * 2)
            {
                server.Violations.Enqueue($"append of {length / 32} ms: audio must go in ~100 ms chunks");
            }

            if (_generation is null && _dead)
            {
                return; // queued behind a failed engine request, never read
            }

            if (_generation is null)
            {
                server.Violations.Enqueue(_validated ? "append outside a generation (before commit, or after final commit)" : "append before session.update + commit");
                return;
            }

            if (Interlocked.Decrement(ref server._appendsUntilBreak) == 0 || server.Chaos.Roll(server.Chaos.CloseProbability))
            {
                socket.Abort();
                return;
            }

            if (server.Chaos.Roll(server.Chaos.GarbageProbability))
            {
                // Not part of the protocol: a client must log it and carry on.
                var garbage = server.Chaos.Pick(["{\"type\":\"rate_limits.updated\"}", "not json at all", "{\"no_type\":1}", "{\"type\":\"transcription.delta\"}"]);
                await socket.SendAsync(Encoding.UTF8.GetBytes(garbage), WebSocketMessageType.Text, true, cancellationToken);
            }

            _appendsInGeneration++;
            _generationSamples += length / 2;
            _stepSamples += length / 2;
            if (_doomed && _generationSamples >= 8_000)
            {
                await FailGenerationAsync(cancellationToken);
                return;
            }

            if (bytes is null)
            {
                await SendEmptyStepsAsync(0, cancellationToken);
                return; // a load run: only the count matters, and keeping the samples would cost more than the client under test
            }

            for (var i = 0; i < bytes.Length; i += 2)
            {
                _generation.Add(BitConverter.ToInt16(bytes, i));
            }

            // Words are emitted once finished, append-only, like a streaming model's deltas.
            var words = ToneSpeech.Decode(_generation.ToArray(), includeUnfinished: false);
            var sent = 0;
            while (_emitted < words.Count)
            {
                await SendAsync(new { type = "transcription.delta", delta = (_emitted == 0 ? "" : " ") + words[_emitted] }, cancellationToken);
                _emitted++;
                sent++;
            }

            await SendEmptyStepsAsync(sent, cancellationToken);
        }

        /// <summary>The engine steps this audio completed that no word ended in decode to <c>""</c>.</summary>
        private async Task SendEmptyStepsAsync(int textDeltas, CancellationToken cancellationToken)
        {
            const int StepSamples = 1_280;
            var steps = _stepSamples / StepSamples;
            _stepSamples -= steps * StepSamples;
            if (!server.StepDeltas)
            {
                return;
            }

            for (var step = textDeltas; step < steps; step++)
            {
                await SendAsync(new { type = "transcription.delta", delta = "" }, cancellationToken);
                Interlocked.Increment(ref server._emptyDeltas);
            }
        }

        /// <summary>The engine failed this generation's request: an error, no done, and nothing reads its audio again.</summary>
        private async Task FailGenerationAsync(CancellationToken cancellationToken)
        {
            _generation = null;
            _doomed = false;
            _dead = true;
            ReleaseSlot();
            Interlocked.Increment(ref server._processingErrors);
            await SendAsync(new { type = "error", error = "engine failed while processing the request", code = "processing_error" }, cancellationToken);
        }

        /// <summary>
        /// The append's audio: decoded when the server transcribes; in a load run only checked and measured, straight
        /// from the UTF-8 JSON with nothing allocated (thousands arrive a second, in the process that also plays egress).
        /// </summary>
        private bool TryDecodeAudio(JsonElement root, out byte[]? bytes, out int length)
        {
            bytes = null;
            length = 0;
            if (!root.TryGetProperty("audio", out var audio) || audio.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            if (!server.Transcribes)
            {
                var quoted = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(audio);
                return System.Buffers.Text.Base64.IsValid(quoted[1..^1], out length);
            }

            if (!audio.TryGetBytesFromBase64(out bytes))
            {
                return false;
            }

            length = bytes.Length;
            return true;
        }

        private async Task FinishGenerationAsync(CancellationToken cancellationToken)
        {
            var samples = _generation!.ToArray();
            var sampleCount = _generationSamples;
            _generation = null;
            if (server.Chaos.Roll(server.Chaos.StallProbability))
            {
                return; // swallowed: no transcription.done will come
            }

            await Task.Delay(server.DoneDelay, cancellationToken);
            var words = server.Transcribes ? ToneSpeech.Decode(samples) : [];
            for (; _emitted < words.Count; _emitted++)
            {
                await SendAsync(new { type = "transcription.delta", delta = (_emitted == 0 ? "" : " ") + words[_emitted] }, cancellationToken);
            }

            var text = string.Join(' ', words);
            ReleaseSlot(); // the engine frees the request before its last output reaches the client
            server.Generations.Enqueue(new FakeGeneration(_id, sampleCount, _appendsInGeneration, text));
            // One completion token per 80 ms engine step (1,280 samples), as vLLM counts Voxtral Realtime.
            var steps = (sampleCount + 1279) / 1280;
            await SendAsync(new { type = "transcription.done", text, usage = new { prompt_tokens = 0, completion_tokens = steps, total_tokens = steps } }, cancellationToken);
        }

        private async Task ViolateAsync(string what, string code, CancellationToken cancellationToken)
        {
            server.Violations.Enqueue(what);
            await SendAsync(new { type = "error", error = what, code }, cancellationToken);
        }

        private Task SendAsync(object message, CancellationToken cancellationToken) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message)), WebSocketMessageType.Text, true, cancellationToken);
    }
}

/// <summary>Faults a fake endpoint injects, drawn from a seeded random source.</summary>
public sealed class FakeVllmChaos(int seed = 1)
{
    private readonly Random _random = new(seed);

    public static FakeVllmChaos None { get; } = new();

    /// <summary>Chance per append that the socket is aborted (a crash mid-utterance).</summary>
    public double CloseProbability { get; init; }

    /// <summary>Chance per final commit that the server never answers it (a stalled engine).</summary>
    public double StallProbability { get; init; }

    /// <summary>Chance per append that an off-protocol event is sent.</summary>
    public double GarbageProbability { get; init; }

    public bool Roll(double probability)
    {
        if (probability <= 0)
        {
            return false;
        }

        lock (_random)
        {
            return _random.NextDouble() < probability;
        }
    }

    public string Pick(string[] options)
    {
        lock (_random)
        {
            return options[_random.Next(options.Length)];
        }
    }
}

/// <summary>A generation the fake finished: how much audio it got, in how many appends, and what it heard.</summary>
public sealed record FakeGeneration(string SessionId, int Samples, int Appends, string Text);
