using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Scribe.Fakes.Vllm;

/// <summary>What the fake reports about itself: vLLM's <c>/health</c> and <c>/metrics</c>, and counters for tests.</summary>
public sealed partial class FakeVllmServer
{
    private int _generationsStarted;
    private int _processingErrors;
    private int _emptyDeltas;
    private int _sessionsOpened;

    /// <summary>Empty <c>transcription.delta</c> events sent so far.</summary>
    public int EmptyDeltas => Volatile.Read(ref _emptyDeltas);

    /// <summary>Generations failed with <c>processing_error</c> so far.</summary>
    public int ProcessingErrors => Volatile.Read(ref _processingErrors);

    /// <summary>Commits the engine had to queue because <see cref="MaxNumSeqs"/> generations were running.</summary>
    public int GenerationsMadeToWait => GenerationSlots.MadeToWait;

    public int SessionsOpened => Volatile.Read(ref _sessionsOpened);

    public int ActiveSessions => Volatile.Read(ref _active);

    private void MapProbes(WebApplication app)
    {
        app.MapGet("/health", () => Refusing ? Results.StatusCode(503) : Results.Ok());
        app.MapGet("/metrics", () => Results.Text(
            $"vllm:websocket_connections_active {ActiveSessions}\nvllm:num_requests_running {GenerationSlots.Running}\nvllm:num_requests_waiting {GenerationSlots.Waiting}\n",
            "text/plain; version=0.0.4"));
    }
}
