namespace Scribe.Endpoints;

/// <summary>
/// The one counter of generation slots for the cluster: <see cref="GenerationAdmission"/> behind a grain, so two
/// silos never both take an endpoint's last slot (a grain's turns run one at a time). In memory only: after a
/// restart the slots of running generations are forgotten, which errs towards admitting, for one generation.
/// </summary>
public sealed class GenerationSlotsGrain(TimeProvider time) : Grain, IGenerationSlotsGrain
{
    private readonly GenerationAdmission _admission = new();
    private readonly CapacityHistory _history = new();

    public Task<GenerationSlot?> TryAcquireAsync(GenerationSlotRequest request)
    {
        var now = time.GetUtcNow();
        var slot = _admission.TryAcquire(request, now, out var waited);
        if (slot is not null)
        {
            _history.RecordAdmission(now, waited);
        }

        _history.Record(now, _admission.Running, _admission.Waiting);
        return Task.FromResult(slot);
    }

    public Task ReleaseAsync(long slot)
    {
        var now = time.GetUtcNow();
        _admission.Release(slot, now);
        _history.Record(now, _admission.Running, _admission.Waiting);
        return Task.CompletedTask;
    }

    public Task<CapacityHistorySnapshot> GetHistoryAsync()
    {
        var now = time.GetUtcNow();
        _admission.Expire(now);
        _history.Record(now, _admission.Running, _admission.Waiting);
        return Task.FromResult(new CapacityHistorySnapshot(_history.Read(now), _history.AdmissionWaitP99(now)));
    }

    public Task<GenerationSlotUsage> GetUsageAsync()
    {
        _admission.Expire(time.GetUtcNow());
        return Task.FromResult(new GenerationSlotUsage(new Dictionary<string, int>(_admission.Running, StringComparer.Ordinal), _admission.Waiting));
    }
}
