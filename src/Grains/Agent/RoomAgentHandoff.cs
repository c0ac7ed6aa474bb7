using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Scribe.Participants;

namespace Scribe.Agent;

/// <summary>
/// A graceful stop (SIGTERM) moves the rooms whose agent connection lives on this silo to the other silos before
/// anything else stops, so each joins its room again from there (a killed silo's rooms come back through
/// <c>SpeakerRecovery</c> instead). Runs in <see cref="IHostedLifecycleService.StoppingAsync"/>, beside the speakers' hand-off.
/// </summary>
public sealed partial class RoomAgentHandoff(
    AgentRooms rooms,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    ILogger<RoomAgentHandoff> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var joined = rooms.Names;
        var targets = OtherSilos.Active(membership, silo);
        if (joined.Count == 0 || targets.Count == 0)
        {
            return; // nowhere to go: the rooms' deactivation leaves them, and their next webhook brings the agent back
        }

        LogHandingOff(joined.Count, targets.Count);
        await Task.WhenAll(joined.Select(async (room, i) =>
        {
            try
            {
                await grains.GetGrain<IRoomGrain>(room).HandOffAgentAsync(targets[i % targets.Count]).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host's stop time is up: the room's deactivation leaves it, and its next activation rejoins.
            }
            catch (Exception e)
            {
                LogHandOffFailed(e, room);
            }
        }));
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo stopping: moving {Rooms} rooms the agent is in to {Silos} other silos")]
    private partial void LogHandingOff(int rooms, int silos);

    [LoggerMessage(Level = LogLevel.Error, Message = "Room {Room} could not be moved off this stopping silo; its agent leaves with it")]
    private partial void LogHandOffFailed(Exception exception, string room);
}
