namespace Scribe.Endpoints;

/// <summary>Where a silo's generation slots are counted: the cluster's grain, or (one process, tests, benches) in memory.</summary>
public interface IGenerationSlots
{
    Task<GenerationSlot?> TryAcquireAsync(GenerationSlotRequest request, CancellationToken cancellationToken);

    Task ReleaseAsync(long slot);

    Task<GenerationSlotUsage> GetUsageAsync();
}

/// <summary>The cluster's count, in <see cref="IGenerationSlotsGrain"/>.</summary>
public sealed class ClusterGenerationSlots(IGrainFactory grains) : IGenerationSlots
{
    private IGenerationSlotsGrain Grain => grains.GetGrain<IGenerationSlotsGrain>(IGenerationSlotsGrain.Key);

    public Task<GenerationSlot?> TryAcquireAsync(GenerationSlotRequest request, CancellationToken cancellationToken) =>
        Grain.TryAcquireAsync(request).WaitAsync(cancellationToken);

    public Task ReleaseAsync(long slot) => Grain.ReleaseAsync(slot);

    public Task<GenerationSlotUsage> GetUsageAsync() => Grain.GetUsageAsync();
}

/// <summary>This process's count: right when it is the only one placing (a single silo without a cluster, tests, benches).</summary>
public sealed class LocalGenerationSlots(TimeProvider? time = null) : IGenerationSlots
{
    private readonly GenerationAdmission _admission = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task<GenerationSlot?> TryAcquireAsync(GenerationSlotRequest request, CancellationToken cancellationToken)
    {
        lock (_admission)
        {
            return Task.FromResult(_admission.TryAcquire(request, _time.GetUtcNow()));
        }
    }

    public Task ReleaseAsync(long slot)
    {
        lock (_admission)
        {
            _admission.Release(slot, _time.GetUtcNow());
        }

        return Task.CompletedTask;
    }

    public Task<GenerationSlotUsage> GetUsageAsync()
    {
        lock (_admission)
        {
            _admission.Expire(_time.GetUtcNow());
            return Task.FromResult(new GenerationSlotUsage(new Dictionary<string, int>(_admission.Running, StringComparer.Ordinal), _admission.Waiting));
        }
    }
}
