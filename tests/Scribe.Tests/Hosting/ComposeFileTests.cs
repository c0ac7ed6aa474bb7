using System.Diagnostics;

namespace Scribe.Tests.Hosting;

/// <summary>compose.yml is valid for docker-compose and wires the silos with the documented keys.</summary>
public sealed class ComposeFileTests
{
    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cluster.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Cluster.sln not found above the test folder");
    }

    [Fact]
    public async Task Compose_file_passes_docker_compose_config_with_every_service()
    {
        var start = new ProcessStartInfo("docker-compose", ["-f", "compose.yml", "config"])
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("docker-compose is not installed: run scripts/setup/compose.sh", e);
        }

        using (process)
        {
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, error);
            foreach (var service in new[] { "redis:", "livekit:", "egress:", "vllm:", "silo:", "gateway:" })
            {
                Assert.Contains(service, output, StringComparison.Ordinal);
            }

            foreach (var key in new[] { "Cluster__Provider: Redis", "ConnectionStrings__Redis", "LiveKit__ApiSecret", "Ingest__PublicUrl", "Inference__Endpoints__0__Url", "Admin__ApiKey" })
            {
                Assert.Contains(key, output, StringComparison.Ordinal);
            }

            Assert.Contains("replicas: 3", output, StringComparison.Ordinal);
        }
    }
}
