using System.Diagnostics;

namespace Scribe.Tests.Infrastructure;

/// <summary>Runs a program to its exit within a deadline, keeping what it printed; one that runs over is killed with its children.</summary>
internal static class ChildProcess
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo start, TimeSpan patience, string overrun)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start");
        using var timeout = new CancellationTokenSource(patience);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(overrun);
        }

        return (process.ExitCode, await output, await error);
    }
}
