namespace Scribe.Silo.Hosting;

/// <summary>
/// Marks the first instant of a graceful stop for <c>/readyz</c>. On SIGTERM the host cancels
/// <c>ApplicationStopping</c> before anything stops; a host stopped by <c>StopAsync</c> alone (a test, an embedding
/// process) cancels it only after every <c>StoppingAsync</c>, i.e. after the speakers' hand-off. Registered last,
/// this service's <c>StoppingAsync</c> runs first (hosted services stop in reverse order), so readiness turns
/// false before the hand-off either way.
/// </summary>
public sealed class SiloStopping : IHostedLifecycleService
{
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
