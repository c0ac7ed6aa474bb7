namespace Scribe;

/// <summary>
/// The webhook bookkeeping of one room (key: room name): which event ids were handled (LiveKit retries, so each
/// id is acted on once), whether the room session has finished (stray events must not resurrect it), and which
/// participant owns each egress (egress webhooks carry the egress id, and we correlate by id, never by URL).
/// </summary>
[Alias("scribe.webhook-ledger-grain")]
public interface IWebhookLedgerGrain : IGrainWithStringKey
{
    /// <summary>Records <paramref name="eventId"/> and says whether to act on it.</summary>
    [Alias("admit")] Task<WebhookVerdict> AdmitAsync(string eventId, string eventName, string? roomSid);

    [Alias("record-egress")] Task RecordEgressAsync(string egressId, string identity);

    /// <returns>The identity of the participant that started <paramref name="egressId"/>, or null.</returns>
    [Alias("egress-owner")] Task<string?> FindEgressOwnerAsync(string egressId);

    /// <summary>Deletes the stored ledger (its room is being erased) and deactivates.</summary>
    [Alias("erase")] Task EraseAsync();
}
