using Orleans.Runtime.Placement;
using Scribe.Agent;
using Scribe.Rooms;
using Scribe.Silo.Webhooks;

namespace Scribe.Silo.Dispatch;

/// <summary>
/// A dispatched job is a start request on the room grain, as the API's, attributed to <see cref="Requester"/>. A room
/// not active anywhere yet is placed on this silo, the job's, so that the worker's load follows the jobs it takes.
/// </summary>
public sealed class DispatchedTranscriptions(IGrainFactory grains, RoomReconciler reconciler, AgentRooms rooms, ILocalSiloDetails silo) : IAgentJobs
{
    public const string Requester = RoomGrain.DispatchRequester;

    public int RoomsCarried => rooms.Names.Count;

    public async Task<bool> IsTranscribedAsync(string room, CancellationToken cancellationToken) =>
        (await grains.GetGrain<IRoomGrain>(room).GetTranscriptionAsync()).Active;

    public async Task StartAsync(string room, DispatchedJob job, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IRoomGrain>(room);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.SiloAddress);
        try
        {
            await grain.StartTranscriptionAsync(new TranscriptionRequest(null, Requester, job));
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        if (await grain.GetSummaryAsync() is { State: RoomState.Active })
        {
            reconciler.Request(room); // as the API does: catch speakers the webhooks may have missed
        }
    }

    public Task<bool> EndAsync(string room, string jobId, CancellationToken cancellationToken) =>
        grains.GetGrain<IRoomGrain>(room).EndDispatchedJobAsync(jobId);
}
