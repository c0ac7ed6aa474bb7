using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Scribe.Media;

/// <summary>
/// One run of the media process: <c>node agent.mjs --port N</c>, the channel secret as the first line of its stdin
/// (never in its arguments, environment or a log), its stdout and stderr lines forwarded to our logger.
/// </summary>
internal sealed class MediaChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ILogger _logger;

    private MediaChild(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        Exited = process.WaitForExitAsync();
    }

    public int Pid => _process.Id;

    public Task Exited { get; }

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public static async Task<MediaChild> StartAsync(string node, string script, int port, string secret, ILogger logger, CancellationToken ct)
    {
        var start = new ProcessStartInfo(node)
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Environment["NODE_ENV"] = "production";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Forward(logger, line.Data, LogLevel.Information);
        process.ErrorDataReceived += (_, line) => Forward(logger, line.Data, LogLevel.Warning);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{node} did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new MediaChild(process, logger);
        try
        {
            await process.StandardInput.WriteLineAsync(secret.AsMemory(), ct);
            await process.StandardInput.FlushAsync(ct);
        }
        catch (IOException)
        {
            // It died at once; Exited says so and the supervisor restarts it.
        }

        return child;
    }

    /// <summary>The child also exits when its stdin closes: the last guard against outliving the silo.</summary>
    public void CloseStdin()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        await Exited.ConfigureAwait(false);
        _process.Dispose();
    }

    private static void Forward(ILogger logger, string? data, LogLevel plainLevel)
    {
        if (string.IsNullOrWhiteSpace(data))
        {
            return;
        }

        var line = ChildLogLine.Parse(data, plainLevel);
        MediaLog.ChildLine(logger, line.Level, line.Message, line.Fields ?? "");
    }
}
