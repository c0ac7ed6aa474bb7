using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Scribe.Fakes.Vllm;

/// <summary>
/// A strict stand-in for vLLM's <c>/v1/realtime</c> (protocols.md §1) on loopback. It answers like vLLM, and it
/// also records every message our client should never send (appends outside a generation, appends after the
/// final commit, a commit while a generation runs, empty or odd-sized audio, oversized chunks, unknown events)
/// in <see cref="Violations"/>. Its transcript is decoded from the audio it received (<see cref="ToneSpeech"/>),
/// so lost, duplicated or reordered audio shows up in the words.
/// Its parts: this host and its knobs, socket admission and the connection protocol (<c>Connection</c>), the
/// generation engine (the connection's generation part), and the health and metrics probes.
/// </summary>
public sealed partial class FakeVllmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
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

    public ConcurrentQueue<string> Violations { get; } = new();

    public ConcurrentQueue<FakeGeneration> Generations { get; } = new();

    /// <param name="listenUrl">Where it listens: a free loopback port by default; DNS discovery tests give each replica its own loopback address.</param>
    public static async Task<FakeVllmServer> StartAsync(string model = "mistralai/Voxtral-Mini-4B-Realtime-2602", int maxSessions = 64, string listenUrl = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listenUrl);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeVllmServer(app, model, maxSessions);
        app.UseWebSockets();
        server.MapProbes(app);
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

    public async ValueTask DisposeAsync()
    {
        KillAll();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
