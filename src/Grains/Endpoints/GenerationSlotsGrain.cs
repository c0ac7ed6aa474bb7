namespace Scribe.Endpoints;

/// <summary>
/// The one counter of generation slots for the cluster: <see cref="GenerationAdmission"/> behind a grain, so two
/// silos never both take an endpoint's last slot (a grain's turns run one at a time). In memory only: after a
/// restart the leases of running generations are forgotten, which errs towards admitting, for one generation.
/// </summary>
public sealed class GenerationSlotsGrain(TimeProvider time) : Grain, IGenerationSlotsGrain
{
    private readonly GenerationAdmission _admission = new();

    public Task<GenerationSlot?> TryAcquireAsync(GenerationSlotRequest request) =>
        Task.FromResult(_admission.TryAcquire(request, time.GetUtcNow()));

    public Task ReleaseAsync(long lease)
    {
        _admission.Release(lease, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<GenerationSlotUsage> GetUsageAsync()
    {
        _admission.Expire(time.GetUtcNow());
        return Task.FromResult(new GenerationSlotUsage(new Dictionary<string, int>(_admission.Running, StringComparer.Ordinal), _admission.Waiting));
    }
}
