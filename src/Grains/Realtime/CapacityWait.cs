using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// A speaker's one way of waiting for capacity, for a generation slot and for a socket alike: ask, and while the
/// answer is no, wait for the picker's signal (a slot or socket freed, the endpoint list changed) or the poll,
/// then ask again. A wait is counted once however many times it asks.
/// </summary>
internal sealed class CapacityWait(IEndpointPicker endpoints, ScribeMetrics metrics, TimeProvider time)
{
    /// <summary>Slots freed on other silos are not signalled here: a waiting speaker asks again this often.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Asks <paramref name="ask"/> until it grants; <paramref name="waiting"/> runs when the first refusal starts a wait.
    /// </summary>
    /// <returns>What was granted, and how long since the first ask when it had to wait (null when granted at once).</returns>
    public async Task<(T Granted, TimeSpan? Waited)> UntilGrantedAsync<T>(
        Func<CancellationToken, ValueTask<T?>> ask, Action waiting, CancellationToken cancellationToken)
        where T : class
    {
        var asked = time.GetTimestamp();
        var counted = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await ask(cancellationToken).ConfigureAwait(false) is { } granted)
            {
                return (granted, counted ? time.GetElapsedTime(asked) : null);
            }

            if (!counted)
            {
                counted = true;
                metrics.CapacityWaits.Add(1);
                waiting();
            }

            await endpoints.WaitForCapacityAsync(Poll, cancellationToken).ConfigureAwait(false);
        }
    }
}
