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

    /// <summary>The availability question is the room's first call when LiveKit knew the room before we did: it places the room.</summary>
    public async Task<bool> IsTranscribedAsync(string room, bool placeHere, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IRoomGrain>(room);
        return (placeHere ? await HereAsync(grain.GetTranscriptionAsync) : await grain.GetTranscriptionAsync()).Active;
    }

    public async Task StartAsync(string room, DispatchedJob job, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IRoomGrain>(room);
        await HereAsync(() => grain.StartTranscriptionAsync(new TranscriptionRequest(null, Requester, job)));

        if (await grain.GetSummaryAsync() is { State: RoomState.Active })
        {
            reconciler.Request(room); // as the API does: catch speakers the webhooks may have missed
        }
    }

    public Task<bool> EndAsync(string room, string jobId, CancellationToken cancellationToken) =>
        grains.GetGrain<IRoomGrain>(room).EndDispatchedJobAsync(jobId);

    /// <summary>A call that places a grain not active anywhere on this silo (Orleans' placement hint).</summary>
    private async Task<T> HereAsync<T>(Func<Task<T>> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.SiloAddress);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
