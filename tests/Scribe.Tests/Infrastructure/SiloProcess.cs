using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;

namespace Scribe.Tests.Infrastructure;

/// <summary>
/// A silo in a process of its own (the silo binary in the test's output folder), for what only a process shows:
/// dying at once, with no goodbye to the cluster (<see cref="Kill"/>, SIGKILL), and stopping on SIGTERM
/// (<see cref="TerminateAsync"/>) as an orchestrator stops it. Its log is kept for the test's output.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private SiloProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
        Admin = new HttpClient { BaseAddress = url };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestSilo.AdminKey);
    }

    public Uri Url { get; }

    public Uri WebhookUrl => new(Url, "/livekit/webhook");

    /// <summary>An HTTP client that carries the admin key.</summary>
    public HttpClient Admin { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The silo's console output so far.</summary>
    public string Log => string.Join('\n', _log);

    /// <summary>Starts the silo with <paramref name="settings"/> (configuration keys, as for <see cref="TestSilo"/>) and waits until it is ready.</summary>
    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        // Free ports are picked before the process binds them; another process may take one meanwhile.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(settings, cancellationToken);
            }
            catch (SiloExitedException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    private static async Task<SiloProcess> StartOnFreePortsAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var port = TestSilo.FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Scribe.Silo.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["DOTNET_ENVIRONMENT"] = "Testing",
            ["Admin:ApiKey"] = TestSilo.AdminKey,
            ["LiveKit:ApiKey"] = TestSilo.LiveKitKey,
            ["LiveKit:ApiSecret"] = TestSilo.LiveKitSecret,
            ["LiveKit:Audio"] = "Egress",
            ["Cluster:SiloPort"] = TestSilo.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = TestSilo.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Transcription:VadMode"] = "Energy",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Scribe"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start)!;
        var silo = new SiloProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => silo.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await silo.WaitReadyAsync(cancellationToken);
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>SIGKILL: the process is gone at once; the cluster learns of it only through membership probes.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, then waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await signal.WaitForExitAsync();
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 2_000 && _log.TryDequeue(out _))
        {
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_process.HasExited)
            {
                // Its last lines (the exception that ended it, e.g. a port taken meanwhile) are still on their way.
                await _process.WaitForExitAsync(cancellationToken);
                throw new SiloExitedException($"The silo exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var ready = await Admin.GetAsync(new Uri("/readyz", UriKind.Relative), timeout.Token);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, timeout.Token);
        }
    }
}

/// <summary>The silo process ended before it was ready.</summary>
public sealed class SiloExitedException(string message) : Exception(message);
