using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Scribe.Tests.Infrastructure;

/// <summary>
/// Runs tests/interop/livekit/interop.mjs (the official livekit-server-sdk) with node. Node is taken from
/// $NODE when set, else from PATH. A missing SDK install fails the test with the command that fixes it.
/// </summary>
internal static class NodeInterop
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static string InteropDirectory { get; } = FindInteropDirectory();

    public static async Task<JsonObject> RunAsync(string command, JsonObject request, CancellationToken ct = default)
    {
        EnsureInstalled();
        var start = new ProcessStartInfo(NodeExecutable())
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("interop.mjs");
        start.ArgumentList.Add(command);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(request.ToJsonString().AsMemory(), timeout.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token);
            var output = await stdout;
            var error = await stderr;
            if (process.ExitCode != 0)
            {
                throw new NodeInteropException($"node interop.mjs {command} exited {process.ExitCode}: {error.Trim()}");
            }

            return JsonNode.Parse(output)?.AsObject() ?? throw new NodeInteropException($"node interop.mjs {command} printed nothing");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node interop.mjs {command} did not finish within {Timeout.TotalSeconds} s");
        }
    }

    private static void EnsureInstalled()
    {
        var sdk = Path.Combine(InteropDirectory, "node_modules", "livekit-server-sdk", "package.json");
        Assert.True(
            File.Exists(sdk),
            $"The livekit-server-sdk interop package is not installed ({sdk} is missing). Run scripts/setup/livekit-interop.sh from the repository root, then rerun the tests.");
    }

    internal static string NodeExecutable()
    {
        var configured = Environment.GetEnvironmentVariable("NODE");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists);
        Assert.True(onPath is not null, "node is not on PATH (nor set in $NODE): install Node.js 18+ and run scripts/setup/livekit-interop.sh.");
        return onPath!;
    }

    private static string FindInteropDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop", "livekit");
            if (File.Exists(Path.Combine(candidate, "interop.mjs")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/interop/livekit not found above " + AppContext.BaseDirectory);
    }
}

internal sealed class NodeInteropException(string message) : Exception(message);
