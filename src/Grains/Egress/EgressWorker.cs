using Microsoft.Extensions.Logging;
using Scribe.Ingest;
using Scribe.LiveKit;
using Scribe.Telemetry;
using static Scribe.Egress.EgressEvent;

namespace Scribe.Egress;

/// <summary>
/// The LiveKit calls of a speaker's egress: each one runs, and its outcome comes back as the <see cref="EgressEvent"/>
/// the participant grain applies through <see cref="EgressLifecycle"/>. Holds no state of its own; the grain calls
/// it from its egress timer only, so a start in flight never interleaves with another event of the speaker.
/// </summary>
public sealed partial class EgressWorker(
    ITrackEgress egress, IngestAddress ingestAddress, IGrainFactory grains, ILocalSiloDetails silo, ScribeMetrics metrics, ILogger<EgressWorker> logger)
{
    /// <summary>This silo, as an egress's ingest URL names it.</summary>
    public string Silo => silo.SiloAddress.ToParsableString();

    /// <summary>Tells LiveKit to stop <paramref name="egressId"/>. Always <see cref="StopSent"/>: an egress that had ended, or that LiveKit cannot be told about, needs nothing more.</summary>
    public async Task<EgressEvent> StopAsync(string room, string identity, string egressId, CancellationToken cancellationToken)
    {
        try
        {
            await egress.StopAsync(egressId, cancellationToken);
        }
        catch (TwirpException e) when (e.Code is "failed_precondition" or "not_found")
        {
            LogEgressAlreadyEnded(room, identity, egressId, e.ServerMessage); // the usual case after a crash
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // LiveKit is unreachable: the egress ends on its own when its socket to us closes; nothing to retry.
            LogEgressStopFailed(e, room, identity, egressId);
        }

        return new StopSent(egressId);
    }

    /// <summary>Starts an egress of <paramref name="trackSid"/> dialling this silo's ingest, and records it for the room's egress webhooks.</summary>
    /// <returns><see cref="EgressStarted"/>, <see cref="TrackGone"/> (LiveKit has no such track now) or <see cref="EgressStartFailed"/>.</returns>
    public async Task<EgressEvent> StartAsync(string room, string identity, string trackSid, CancellationToken cancellationToken)
    {
        string egressId;
        try
        {
            egressId = await egress.StartAsync(room, trackSid, ingestAddress.For(room, identity, trackSid), cancellationToken);
        }
        catch (TwirpException e) when (e.Code == "not_found")
        {
            LogTrackGone(room, identity, trackSid, e.ServerMessage);
            return new TrackGone();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogEgressFailed(e, room, identity, trackSid);
            return new EgressStartFailed(e.Message);
        }

        metrics.EgressStarts.Add(1);
        LogEgressStarted(room, identity, trackSid, egressId);
        try
        {
            await grains.GetGrain<IWebhookLedgerGrain>(room).RecordEgressAsync(egressId, identity);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Only egress webhooks need the record; the ingest socket still reports this egress's end.
            LogLedgerFailed(e, room, identity, egressId);
        }

        return new EgressStarted(egressId, Silo);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: egress {EgressId} started for track {TrackSid}")]
    private partial void LogEgressStarted(string room, string identity, string trackSid, string egressId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity}: egress for track {TrackSid} could not start")]
    private partial void LogEgressFailed(Exception exception, string room, string identity, string trackSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: stopping egress {EgressId} failed")]
    private partial void LogEgressStopFailed(Exception exception, string room, string identity, string egressId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: egress {EgressId} could not be recorded for its webhooks")]
    private partial void LogLedgerFailed(Exception exception, string room, string identity, string egressId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speaker {Room}/{Identity}: egress {EgressId} had already ended ({Message})")]
    private partial void LogEgressAlreadyEnded(string room, string identity, string egressId, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: track {TrackSid} is gone at LiveKit ({Message})")]
    private partial void LogTrackGone(string room, string identity, string trackSid, string message);
}
