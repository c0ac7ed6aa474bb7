using Scribe.Rooms;
using Scribe.Silo.Webhooks;

namespace Scribe.Silo.Dispatch;

/// <summary>A dispatched job is a start request on the room grain, as the API's, attributed to <see cref="Requester"/>.</summary>
public sealed class DispatchedTranscriptions(IGrainFactory grains, RoomReconciler reconciler) : IAgentJobs
{
    public const string Requester = "dispatch";

    public async Task<bool> IsTranscribedAsync(string room, CancellationToken cancellationToken) =>
        (await grains.GetGrain<IRoomGrain>(room).GetTranscriptionAsync()).Active;

    public async Task StartAsync(string room, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IRoomGrain>(room);
        await grain.StartTranscriptionAsync(new TranscriptionRequest(null, Requester));
        if (await grain.GetSummaryAsync() is { State: RoomState.Active })
        {
            reconciler.Request(room); // as the API does: catch speakers the webhooks may have missed
        }
    }

    public Task StopAsync(string room, CancellationToken cancellationToken) =>
        grains.GetGrain<IRoomGrain>(room).StopTranscriptionAsync(Requester);
}
