using Scribe.Telemetry;

namespace Scribe.Endpoints;

/// <summary>
/// This silo's client of the generation slot counter (<see cref="IGenerationSlots"/>): a slot call bounded in time,
/// admission on the speaker's own socket when the counter is out of reach, and the slot given back at the end.
/// Which endpoints may take a generation is the caller's (<see cref="EndpointBalancer"/>'s) knowledge.
/// </summary>
public sealed class GenerationSlotClient(IGenerationSlots slots, ScribeMetrics? metrics)
{
    /// <summary>A slot call is a sub-millisecond grain turn; one this slow means its silo is gone.</summary>
    private static readonly TimeSpan SlotCallTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Where generation slots are counted.</summary>
    public IGenerationSlots Slots => slots;

    /// <summary>A ticket for the slot, or null when the speaker is queued; <paramref name="ended"/> runs once the slot is given back.</summary>
    public async ValueTask<GenerationTicket?> TryStartAsync(GenerationSlotRequest request, Action ended, CancellationToken cancellationToken)
    {
        GenerationSlot? slot;
        try
        {
            slot = await slots.TryAcquireAsync(request, cancellationToken).WaitAsync(SlotCallTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The count is out of reach (the silo holding it just died and it is moving): admit on the speaker's
            // socket rather than stall live speech. At worst the engine queues this one generation; the next counts again.
            metrics?.AdmissionFallbacks.Add(1);
            return new GenerationTicket(request.Current, () => Task.CompletedTask);
        }

        if (slot is null)
        {
            return null;
        }

        return new GenerationTicket(slot.Endpoint, async () =>
        {
            try
            {
                await slots.ReleaseAsync(slot.Id).WaitAsync(SlotCallTimeout).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Unreachable count: the slot expires on its own (or went with the count's silo).
            }

            ended();
        });
    }
}
