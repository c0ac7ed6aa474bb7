namespace Scribe.Tests.Speech;

/// <summary>One local speech server with default options, shared by a test class.</summary>
public sealed class LocalSpeechServerFixture : IAsyncLifetime
{
    private LocalSpeechTestServer? _server;

    public LocalSpeechTestServer Server => _server ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => _server = await LocalSpeechTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
