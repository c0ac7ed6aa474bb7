using LiveKit.Proto;

namespace Scribe.Silo.Dispatch;

/// <summary>
/// What the worker tells LiveKit it carries (<c>UpdateWorkerStatus</c>): the rooms the agent is in on this silo
/// against <c>LiveKit:AgentMaxRooms</c>. LiveKit picks workers weighted by <c>1 - load</c> and offers a
/// <c>WS_FULL</c> one nothing; a silo at its limit, or stopping, is full (and declines what it is offered anyway).
/// </summary>
internal readonly record struct WorkerLoad(WorkerStatus Status, float Load, bool Full)
{
    public static WorkerLoad Of(int rooms, int maxRooms, bool draining)
    {
        var load = maxRooms <= 0 ? 1f : Math.Clamp((float)rooms / maxRooms, 0f, 1f);
        var full = draining || rooms >= maxRooms;
        return new WorkerLoad(full ? WorkerStatus.WsFull : WorkerStatus.WsAvailable, draining ? 1f : load, full);
    }
}
