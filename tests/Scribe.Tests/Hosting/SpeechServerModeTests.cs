using System.Diagnostics;

namespace Scribe.Tests.Hosting;

/// <summary><c>Mode=speech</c>: the silo binary serves only the local speech endpoint, for several silos to share.</summary>
public sealed class SpeechServerModeTests
{
    [Fact]
    public async Task The_silo_binary_runs_as_a_standalone_speech_endpoint_that_speaks_the_realtime_protocol()
    {
        var port = TestSilo.FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Scribe.Silo.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["Mode"] = "speech";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Eventually.HoldsAsync(
                async () =>
                {
                    Assert.False(process.HasExited, "the speech server exited");
                    try
                    {
                        return (await http.GetAsync(new Uri("health", UriKind.Relative), timeout.Token)).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                "the speech server answers its health check",
                TimeSpan.FromSeconds(60));

            // No admin key or LiveKit settings are needed in this mode, and the realtime protocol is served.
            var endpoint = new InferenceEndpoint("shared", new Uri($"ws://127.0.0.1:{port}/v1/realtime"), "pocketsphinx-en-us", 4);
            await using var session = await RealtimeSession.OpenAsync(endpoint, null, TimeSpan.FromSeconds(10), timeout.Token);
            Assert.StartsWith("sess-", session.Id, StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri("api/rooms", UriKind.Relative), timeout.Token)).StatusCode);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
