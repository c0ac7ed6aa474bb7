using System.Net;
using System.Net.WebSockets;

namespace Scribe.Tests.Speech;

/// <summary>
/// Who may use a local speech endpoint, and for how long: the one a silo embeds serves only that silo (it asks for a
/// key derived from the cluster's secret), and a session that sends nothing is closed, so idle sockets never fill it.
/// </summary>
public sealed class LocalSpeechAccessTests
{
    private static async Task<HttpStatusCode?> UpgradeAsync(Uri realtime, string? bearer)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (bearer is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(realtime, timeout.Token);
            return null;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
    }

    [Fact]
    public async Task The_embedded_endpoint_refuses_a_socket_without_the_silos_own_key()
    {
        await using var silo = await TestSilo.StartAsync(new Dictionary<string, string?>());
        var realtime = new Uri($"ws://{silo.Url.Authority}/v1/realtime");

        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(realtime, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(realtime, TestSilo.AdminKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeAsync(realtime, "guessed-key-0123456789"));

        // The silo's own balancer holds the key.
        var local = Assert.Single(silo.Services.GetRequiredService<EndpointBalancer>().Endpoints, e => e.Name == "local");
        Assert.NotNull(local.ApiKey);
        Assert.True(local.ApiKey.Length >= 32);
        Assert.Null(await UpgradeAsync(realtime, local.ApiKey));
    }

    [Fact]
    public async Task A_session_that_sends_nothing_is_closed_after_the_idle_timeout()
    {
        await using var server = await LocalSpeechTestServer.StartAsync(new Dictionary<string, string?> { ["IdleTimeoutSeconds"] = "1" });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var client = await server.ConnectAsync(timeout.Token);
        Assert.Equal("session.created", (await client.ReceiveAsync(timeout.Token))?.GetProperty("type").GetString());

        // Nothing sent: the server ends the session itself.
        Assert.Null(await client.ReceiveAsync(timeout.Token));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
    }
}
