using System.Diagnostics;

namespace Scribe.Tests.Hosting;

/// <summary>The silo process refuses a wrong or missing setting with one line that names it.</summary>
public sealed class SiloStartupTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunSiloAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Scribe.Silo.dll")]) { WorkingDirectory = AppContext.BaseDirectory };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return await ChildProcess.RunAsync(start, TimeSpan.FromSeconds(60), "the silo kept running despite its configuration");
    }

    private static readonly Dictionary<string, string> Valid = new()
    {
        ["Admin__ApiKey"] = "a-long-enough-admin-key",
        ["LiveKit__Url"] = "http://127.0.0.1:7880",
        ["LiveKit__ApiKey"] = "devkey",
        ["LiveKit__ApiSecret"] = "secret-secret-secret",
    };

    [Theory]
    [InlineData("Admin__ApiKey", null, "Admin:ApiKey")]
    [InlineData("Admin__ApiKey", "short", "Admin:ApiKey")]
    [InlineData("LiveKit__Url", null, "LiveKit")]
    [InlineData("Cluster__Provider", "Redis", "ConnectionStrings:Redis")]
    [InlineData("Inference__Endpoints__0__Url", "http://gpu-1:8000/v1/realtime", "Inference:Endpoints:0")]
    [InlineData("Inference__Endpoints__0__MaxGenerations", "0", "Inference:Endpoints:0:MaxGenerations")]
    [InlineData("Inference__Endpoints__0__MaxGenerations", "-2", "Inference:Endpoints:0:MaxGenerations")]
    [InlineData("Inference__Endpoints__0__MaxGenerations", null, "Inference:Endpoints:0:MaxGenerations")]
    [InlineData("Inference__Endpoints__0__MaxSessions", "0", "Inference:Endpoints:0:MaxSessions")]
    [InlineData("Ingest__PublicUrl", "not a url", "Ingest:PublicUrl")]
    [InlineData("Api__Keys__0__Key", "short", "Api:Keys:0")]
    [InlineData("Notifications__Url", "http://backend.test/scribe", "Notifications:Secret")]
    [InlineData("Transcription__Activation", "Sometimes", "Transcription:Activation")]
    [InlineData("Api__ViewerTokenMinutes", "abc", "Api:ViewerTokenMinutes")]
    [InlineData("Cluster__SiloPort", "abc", "Cluster:SiloPort")]
    [InlineData("Admin__ApiKey", "                    ", "Admin:ApiKey")]
    [InlineData("Admin__ApiKey", "fifteen-chars-x", "Admin:ApiKey")]
    [InlineData("Api__Keys__0__Key", "a-long-enough-admin-key", "Api:Keys:0:Key is the key of Admin:ApiKey")]
    public async Task A_wrong_or_missing_setting_stops_the_silo_with_one_line_naming_it(string key, string? value, string named)
    {
        var environment = new Dictionary<string, string>(Valid);
        if (key.StartsWith("Inference", StringComparison.Ordinal))
        {
            // An otherwise valid endpoint, so the line names the one setting under test.
            environment["Inference__Endpoints__0__Name"] = "gpu-1";
            environment["Inference__Endpoints__0__Model"] = "voxtral";
            environment["Inference__Endpoints__0__Url"] = "ws://gpu-1:8000/v1/realtime";
            environment["Inference__Endpoints__0__MaxGenerations"] = "4";
        }

        if (key.StartsWith("Api__Keys", StringComparison.Ordinal))
        {
            // An otherwise valid named key, so the line names the one setting under test.
            environment["Api__Keys__0__Name"] = "app";
            environment["Api__Keys__0__Scopes"] = "transcription";
        }

        if (value is null)
        {
            environment.Remove(key);
        }
        else
        {
            environment[key] = value;
        }

        var (exitCode, output, error) = await RunSiloAsync(environment);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("scribe: configuration error: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("Cluster__SiloPort")]
    public async Task A_port_taken_by_another_process_stops_the_silo_with_one_line_not_an_abort(string setting)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var environment = new Dictionary<string, string>(Valid)
        {
            [setting] = setting == "ASPNETCORE_URLS" ? $"http://127.0.0.1:{port}" : port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        var (exitCode, _, error) = await RunSiloAsync(environment);

        Assert.Equal(3, exitCode); // an abort (unhandled exception) would be 134
        Assert.StartsWith("scribe: cannot listen: ", error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_standalone_speech_endpoint_without_a_key_listens_on_loopback_only()
    {
        var (exitCode, output, error) = await RunSiloAsync(new Dictionary<string, string>
        {
            ["Mode"] = "speech",
            ["ASPNETCORE_URLS"] = "http://0.0.0.0:0",
        });

        Assert.Equal(2, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("scribe: configuration error: LocalSpeech:ApiKey", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
    }
}
