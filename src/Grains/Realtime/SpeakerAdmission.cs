using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// A speaker's admission at its generation boundaries: the generation slot its running generation holds, asked
/// for once per generation (its turn among the waiting comes by when its speech began) and given back when the
/// generation ends. Meanwhile the audio stays in the segmenter's buffers, in order. Used by the transcriber's loop only.
/// </summary>
internal sealed class SpeakerAdmission(SpeakerContext speaker, TranscriberOptions options, IEndpointPicker endpoints, CapacityWait capacity, ScribeMetrics metrics)
{
    /// <summary>Beyond the longest a generation can hold its slot (window, grace, final time-outs with their retries).</summary>
    private static readonly TimeSpan SlotLifetimeMargin = TimeSpan.FromSeconds(30);

    private GenerationTicket? _ticket;

    /// <summary>
    /// Waits until the fleet has a slot for this speaker's generation; <paramref name="current"/> is the endpoint of
    /// its open socket, kept when it has a slot. Null when the generation already holds its slot (it is being replayed).
    /// </summary>
    public async Task<GenerationTicket?> AdmitAsync(DateTimeOffset speechStartedAt, string? current, Action waiting, CancellationToken cancellationToken)
    {
        if (_ticket is not null)
        {
            return null;
        }

        var lifetime = TimeSpan.FromMilliseconds(
            options.MaxGenerationMs + options.WindowGraceMs + 4L * options.FinalTimeoutMs) + SlotLifetimeMargin;
        var key = $"{speaker.Room}/{speaker.Identity}";
        var (ticket, waited) = await capacity.UntilGrantedAsync(
            ct => endpoints.TryStartGenerationAsync(key, speechStartedAt, current, lifetime, ct), waiting, cancellationToken).ConfigureAwait(false);
        metrics.AdmissionWait.Record(waited?.TotalMilliseconds ?? 0);
        _ticket = ticket;
        return ticket;
    }

    /// <summary>The generation is over (done, given up, or the speaker stopped): its slot goes to the next speaker.</summary>
    public async Task EndGenerationAsync()
    {
        if (_ticket is { } ticket)
        {
            _ticket = null;
            await ticket.EndAsync().ConfigureAwait(false);
        }
    }
}
