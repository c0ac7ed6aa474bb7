using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Scribe.Tests.Hosting;

/// <summary>
/// compose.yml as docker-compose renders it: valid, wired with the documented keys, one LiveKit key and secret
/// for LiveKit, egress and the silos, nothing left for LiveKit or egress to expand, every image pinned.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string[] CredentialVariables = ["LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "INGEST_TOKEN_SECRET", "ADMIN_API_KEY"];

    private sealed record ProcessResult(int ExitCode, string Output, string Error);

    private static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Only the env file under test may supply credentials, not whatever the test runner's shell holds.
        foreach (var variable in CredentialVariables)
        {
            start.Environment.Remove(variable);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not installed: run scripts/setup/compose.sh", e);
        }

        using (process)
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input);
                process.StandardInput.Close();
            }

            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return new ProcessResult(process.ExitCode, await output, await error);
        }
    }

    private static Task<ProcessResult> RenderAsync(string envFile) =>
        RunAsync("docker-compose", ["--env-file", envFile, "-f", "compose.yml", "config"]);

    /// <summary>
    /// Reads YAML with PyYAML, which the Debian docker-compose (a Python program) depends on, so the tests need
    /// nothing docker-compose does not already bring.
    /// </summary>
    private static async Task<JsonNode> YamlAsJsonAsync(string yaml)
    {
        var result = await RunAsync("python3", ["-c", "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"], yaml);
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonNode.Parse(result.Output) ?? throw new InvalidOperationException("empty YAML");
    }

    private static async Task<(JsonNode Services, string Rendered)> RenderServicesAsync(string envFile)
    {
        var rendered = await RenderAsync(envFile);
        Assert.True(rendered.ExitCode == 0, rendered.Error);
        var document = await YamlAsJsonAsync(rendered.Output);
        return (document["services"]!, rendered.Output);
    }

    private static string EnvironmentValue(JsonNode service, string name) =>
        service["environment"]?[name]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"{name} is not set");

    private sealed class TemporaryEnvFile : IDisposable
    {
        public TemporaryEnvFile(IReadOnlyDictionary<string, string> values)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"scribe-compose-{Guid.NewGuid():N}.env");
            File.WriteAllLines(Path, values.Select(pair => $"{pair.Key}={pair.Value}"));
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }

    [Fact]
    public async Task Compose_file_passes_docker_compose_config_with_every_service()
    {
        var rendered = await RenderAsync(".env.example");
        Assert.True(rendered.ExitCode == 0, rendered.Error);
        foreach (var service in new[] { "redis:", "livekit:", "egress:", "vllm:", "silo:", "gateway:" })
        {
            Assert.Contains(service, rendered.Output, StringComparison.Ordinal);
        }

        foreach (var key in new[] { "Cluster__Provider: Redis", "ConnectionStrings__Redis", "LiveKit__ApiSecret", "Ingest__PublicUrl", "Inference__Endpoints__0__Url", "Admin__ApiKey" })
        {
            Assert.Contains(key, rendered.Output, StringComparison.Ordinal);
        }

        Assert.Contains("replicas: 3", rendered.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compose_refuses_to_render_without_the_credentials()
    {
        using var empty = new TemporaryEnvFile(new Dictionary<string, string>());
        var rendered = await RenderAsync(empty.Path);
        Assert.NotEqual(0, rendered.ExitCode);
        Assert.Contains("LIVEKIT_API_", rendered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_key_and_secret_reach_livekit_egress_and_every_silo_with_nothing_left_to_expand()
    {
        var key = "key" + Guid.NewGuid().ToString("N")[..8];
        var secret = "secret-" + Guid.NewGuid().ToString("N");
        using var env = new TemporaryEnvFile(new Dictionary<string, string>
        {
            ["LIVEKIT_API_KEY"] = key,
            ["LIVEKIT_API_SECRET"] = secret,
            ["INGEST_TOKEN_SECRET"] = "ingest-" + Guid.NewGuid().ToString("N"),
            ["ADMIN_API_KEY"] = "admin-" + Guid.NewGuid().ToString("N"),
        });
        var (services, rendered) = await RenderServicesAsync(env.Path);
        Assert.DoesNotContain("${", rendered, StringComparison.Ordinal);

        var silo = services["silo"]!;
        Assert.Equal(key, EnvironmentValue(silo, "LiveKit__ApiKey"));
        Assert.Equal(secret, EnvironmentValue(silo, "LiveKit__ApiSecret"));

        // LiveKit: keys only from LIVEKIT_KEYS, webhooks signed with that same key.
        var livekit = services["livekit"]!;
        Assert.Equal($"{key}: {secret}", EnvironmentValue(livekit, "LIVEKIT_KEYS"));
        var livekitConfig = await YamlAsJsonAsync(EnvironmentValue(livekit, "LIVEKIT_CONFIG"));
        Assert.Null(livekitConfig["keys"]);
        Assert.Equal(key, livekitConfig["webhook"]?["api_key"]?.GetValue<string>());

        // Egress: starts from the environment; its YAML must not name a key or secret, or it would override them.
        var egress = services["egress"]!;
        Assert.Equal(key, EnvironmentValue(egress, "LIVEKIT_API_KEY"));
        Assert.Equal(secret, EnvironmentValue(egress, "LIVEKIT_API_SECRET"));
        var egressConfig = (await YamlAsJsonAsync(EnvironmentValue(egress, "EGRESS_CONFIG_BODY"))).AsObject();
        Assert.False(egressConfig.ContainsKey("api_key"));
        Assert.False(egressConfig.ContainsKey("api_secret"));

        // Any file mounted into LiveKit or egress is read literally: no ${...} may sit in one.
        foreach (var name in new[] { "livekit", "egress" })
        {
            Assert.Null(services[name]!["command"]);
            foreach (var volume in services[name]!["volumes"]?.AsArray() ?? [])
            {
                var host = volume!.GetValue<string>().Split(':')[0];
                if (File.Exists(host))
                {
                    Assert.DoesNotContain("${", await File.ReadAllTextAsync(host), StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public async Task Egress_buffers_less_than_its_defaults_and_keeps_its_own_latency_order()
    {
        var (services, _) = await RenderServicesAsync(".env.example");
        var config = await YamlAsJsonAsync(EnvironmentValue(services["egress"]!, "EGRESS_CONFIG_BODY"));
        var latency = config["latency"]!;
        var jitter = Duration(latency["jitter_buffer_latency"]!);
        var mixer = Duration(latency["audio_mixer_latency"]!);
        var pipeline = Duration(latency["pipeline_latency"]!);

        // Egress wants the mixer's latency above the jitter buffer's; its defaults are 2 s, 2.75 s and 3 s.
        Assert.True(jitter < mixer && mixer <= pipeline, $"{jitter} < {mixer} <= {pipeline}");
        Assert.True(pipeline < TimeSpan.FromSeconds(3), $"pipeline latency {pipeline}");

        // Opus DTX sends a packet every 400 ms in silence; a shorter gap would read a quiet speaker as muted.
        Assert.True(jitter > TimeSpan.FromMilliseconds(400), $"jitter buffer {jitter}");
        var trackCost = config["cpu_cost"]?["track_cpu_cost"]?.GetValue<double>();
        Assert.True(trackCost is > 0 and < 0.5, $"track_cpu_cost {trackCost}");
    }

    [Fact]
    public async Task Every_image_is_pinned_and_vllm_serves_voxtral_eagerly()
    {
        var (services, _) = await RenderServicesAsync(".env.example");
        foreach (var (name, service) in services.AsObject())
        {
            var image = service!["image"]?.GetValue<string>();
            Assert.False(string.IsNullOrEmpty(image), $"{name} names no image");
            var lastSegment = image![(image.LastIndexOf('/') + 1)..];
            var colon = lastSegment.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"{name}: {image} has no tag");
            Assert.NotEqual("latest", lastSegment[(colon + 1)..]);
        }

        var vllm = services["vllm"]!;
        var command = vllm["command"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Contains("--enforce-eager", command);
        var model = command[command.IndexOf("--model") + 1];
        Assert.Equal(EnvironmentValue(services["silo"]!, "Inference__Endpoints__0__Model"), model);
    }

    private static TimeSpan Duration(JsonNode value)
    {
        var text = value.GetValue<string>();
        return text.EndsWith("ms", StringComparison.Ordinal)
            ? TimeSpan.FromMilliseconds(double.Parse(text[..^2], CultureInfo.InvariantCulture))
            : text.EndsWith('s')
                ? TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture))
                : throw new FormatException($"not a Go duration this test reads: {text}");
    }
}
