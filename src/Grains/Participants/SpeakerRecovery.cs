using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Participants;

/// <summary>
/// A silo that dies takes its speakers with it: their grains, their ingest sockets, and the egresses dialling it.
/// LiveKit reports each such egress as failed, and that webhook alone would bring a speaker back, but only as fast
/// as LiveKit notices. This service does not wait for it: once membership declares a silo dead, one survivor (the
/// active silo with the lowest address) asks every active room to resume its speakers, which activates the lost
/// ones on live silos, where they start new egresses to themselves.
/// </summary>
public sealed partial class SpeakerRecovery(
    IClusterMembershipService membership,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IHostApplicationLifetime lifetime,
    ScribeMetrics metrics,
    ILogger<SpeakerRecovery> logger) : BackgroundService
{
    private const int Attempts = 3;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await HostStarted.WaitAsync(lifetime, stoppingToken);
        // Silos that died before this one started were recovered by whoever led then.
        var dead = SiloLoss.Dead(membership.CurrentSnapshot);
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var lost = SiloLoss.NewlyDead(dead, snapshot);
                if (lost.Count == 0)
                {
                    continue;
                }

                dead.UnionWith(lost);
                if (SiloLoss.Leader(snapshot) is { } leader && leader.Equals(silo.SiloAddress))
                {
                    await ResumeRoomsAsync(lost, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ResumeRoomsAsync(IReadOnlyCollection<SiloAddress> lost, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", lost.Select(s => s.ToParsableString()));
        IReadOnlyList<RoomSummary> rooms;
        try
        {
            rooms = await grains.GetGrain<IRoomDirectoryGrain>(IRoomDirectoryGrain.Key).ListAsync().WaitAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogDirectoryFailed(e, names);
            return;
        }

        var active = rooms.Where(r => r.State == RoomState.Active).Select(r => r.Name).ToList();
        LogResuming(names, active.Count);
        var resumed = await Task.WhenAll(active.Select(room => ResumeRoomAsync(room, cancellationToken)));
        metrics.RoomsResumed.Add(resumed.Count(ok => ok));
    }

    private async Task<bool> ResumeRoomAsync(string room, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IRoomGrain>(room).ResumeSpeakersAsync().WaitAsync(cancellationToken);
                return true;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Right after a death, a call may still be routed to the dead silo; the directory catches up.
                LogResumeFailed(e, room, attempt);
                if (attempt == Attempts)
                {
                    return false;
                }

                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Silos} declared dead: resuming the speakers of {Rooms} active rooms")]
    private partial void LogResuming(string silos, int rooms);

    [LoggerMessage(Level = LogLevel.Error, Message = "Silo {Silos} declared dead, but the room directory could not be read: its speakers wait for LiveKit's egress webhooks")]
    private partial void LogDirectoryFailed(Exception exception, string silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not resume the speakers of room {Room} (attempt {Attempt})")]
    private partial void LogResumeFailed(Exception exception, string room, int attempt);
}
