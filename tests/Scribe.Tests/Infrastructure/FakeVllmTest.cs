namespace Scribe.Tests.Infrastructure;

/// <summary>
/// A test class whose every test gets a fresh strict fake vLLM, for transcribers driven without a silo, and a sink
/// that records what they publish.
/// </summary>
public abstract class FakeVllmTest : IAsyncLifetime
{
    protected FakeVllmServer Vllm { get; private set; } = null!;

    protected RecordingSink Sink { get; } = new();

    public async Task InitializeAsync() => Vllm = await FakeVllmServer.StartAsync();

    public async Task DisposeAsync() => await Vllm.DisposeAsync();
}
