using Microsoft.Extensions.Logging;

namespace Scribe.Webhooks;

/// <summary>
/// Remembers the last <see cref="Capacity"/> event ids of a room, so LiveKit's retries are handled once, and
/// whether the room session finished. LiveKit retries within minutes, so a bounded window is enough; the ids are
/// written before the event is acted on, so a retry that races the first delivery is still a duplicate.
/// </summary>
public sealed partial class WebhookLedgerGrain(
    [PersistentState("webhook-ledger", StorageNames.State)] IPersistentState<WebhookLedgerRecord> record,
    ILogger<WebhookLedgerGrain> logger) : Grain, IWebhookLedgerGrain
{
    public const int Capacity = 512;
    public const int EgressCapacity = 256;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    private WebhookLedgerRecord State => record.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _seen.UnionWith(State.RecentEventIds);
        return Task.CompletedTask;
    }

    public async Task<WebhookVerdict> AdmitAsync(string eventId, string eventName, string? roomSid)
    {
        if (!_seen.Add(eventId))
        {
            return WebhookVerdict.Duplicate;
        }

        State.RecentEventIds.Add(eventId);
        if (State.RecentEventIds.Count > Capacity)
        {
            _seen.Remove(State.RecentEventIds[0]);
            State.RecentEventIds.RemoveAt(0);
        }

        var verdict = Judge(eventName, string.IsNullOrEmpty(roomSid) ? null : roomSid);
        await record.WriteStateAsync();
        if (verdict == WebhookVerdict.RoomFinished)
        {
            LogStray(this.GetPrimaryKeyString(), eventName, eventId);
        }

        return verdict;
    }

    /// <summary>
    /// A finished room stays finished for events of the same session (same sid, or no sid to tell); an event of
    /// another session means LiveKit reopened the room name, even if its room_started was lost.
    /// </summary>
    private WebhookVerdict Judge(string eventName, string? roomSid)
    {
        if (eventName == "room_finished")
        {
            State.Finished = true;
            State.FinishedRoomSid = roomSid;
            return WebhookVerdict.Accept;
        }

        if (!State.Finished)
        {
            return WebhookVerdict.Accept;
        }

        var sameSession = roomSid is null || State.FinishedRoomSid is null || roomSid == State.FinishedRoomSid;
        if (sameSession)
        {
            return WebhookVerdict.RoomFinished;
        }

        State.Finished = false;
        State.FinishedRoomSid = null;
        return WebhookVerdict.Accept;
    }

    public async Task RecordEgressAsync(string egressId, string identity)
    {
        State.EgressOwners.RemoveAll(p => p.Key == egressId);
        State.EgressOwners.Add(new(egressId, identity));
        if (State.EgressOwners.Count > EgressCapacity)
        {
            State.EgressOwners.RemoveAt(0);
        }

        await record.WriteStateAsync();
    }

    public async Task EraseAsync()
    {
        await record.ClearStateAsync();
        _seen.Clear();
        DeactivateOnIdle();
    }

    public Task<string?> FindEgressOwnerAsync(string egressId) =>
        Task.FromResult<string?>(State.EgressOwners.FirstOrDefault(p => p.Key == egressId).Value);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room}: ignored {Event} ({Id}) after the room finished")]
    private partial void LogStray(string room, string @event, string id);
}
