using System.Net.WebSockets;
using Scribe.LocalSpeech;
using Scribe.Silo.Hosting;

namespace Scribe.Tests.Speech;

/// <summary>Who gets a session: the cap, the API key, and a configuration that cannot serve.</summary>
public sealed class LocalSpeechAdmissionTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    private CancellationToken Timeout => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task A_session_over_the_cap_is_told_why_and_closed_with_a_policy_status()
    {
        await using var server = await LocalSpeechTestServer.StartAsync(new Dictionary<string, string?> { ["MaxSessions"] = "1" }, Timeout);
        var first = await server.ConnectAsync(Timeout);
        await first.ExpectAsync("session.created", Timeout);

        await using (var refused = await server.ConnectAsync(Timeout))
        {
            var error = await refused.ExpectErrorAsync(RealtimeErrorCode.ProcessingError, Timeout);
            Assert.Contains("local speech endpoint is at capacity (1 sessions)", error.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Null(await refused.ReceiveAsync(Timeout));
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, refused.CloseStatus);
        }

        // The slot comes back once the first session ends.
        await first.DisposeAsync();
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var next = await server.ConnectAsync(Timeout);
                var received = await next.ReceiveAsync(Timeout);
                return received?.GetProperty("type").GetString() == "session.created";
            },
            "the slot comes back",
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_api_key_guards_the_upgrade()
    {
        await using var server = await LocalSpeechTestServer.StartAsync(new Dictionary<string, string?> { ["ApiKey"] = "s3cret" }, Timeout);
        await Assert.ThrowsAnyAsync<WebSocketException>(() => server.ConnectAsync(Timeout));

        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer s3cret");
        await socket.ConnectAsync(server.RealtimeUri, Timeout);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task A_stopping_host_closes_open_sessions_as_going_away()
    {
        var server = await LocalSpeechTestServer.StartAsync(cancellationToken: Timeout);
        await using var client = await server.ConnectAsync(Timeout);
        await client.ExpectAsync("session.created", Timeout);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await server.DisposeAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {stopping.Elapsed}");
        Assert.Null(await client.ReceiveAsync(Timeout));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
    }

    [Theory]
    [InlineData("MaxSessions", "0", "MaxSessions")]
    [InlineData("ModelName", "", "ModelName")]
    [InlineData("ModelDirectory", "/nonexistent/model", "pocketsphinx-en-us")]
    public async Task A_configuration_that_cannot_serve_stops_the_start(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<InvalidConfigurationException>(
            () => LocalSpeechTestServer.StartAsync(new Dictionary<string, string?> { [key] = value }, Timeout));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
