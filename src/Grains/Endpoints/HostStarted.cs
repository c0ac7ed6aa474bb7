using Microsoft.Extensions.Hosting;

namespace Scribe.Endpoints;

internal static class HostStarted
{
    /// <summary>
    /// Waits until the host has started: Orleans is up (grain calls work) and Kestrel listens (the embedded
    /// endpoint's URL is known).
    /// </summary>
    public static async Task WaitAsync(IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
