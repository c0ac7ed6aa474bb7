namespace Scribe.Webhooks;

/// <summary>What a room's webhook ledger keeps: bounded lists, oldest first, so the record stays small.</summary>
[GenerateSerializer, Alias("scribe.webhook-ledger-record")]
public sealed class WebhookLedgerRecord
{
    [Id(0)] public List<string> RecentEventIds { get; set; } = [];

    /// <summary>Set by room_finished; cleared when a room session with another sid starts.</summary>
    [Id(1)] public bool Finished { get; set; }

    [Id(2)] public string? FinishedRoomSid { get; set; }

    /// <summary>Egress id → participant identity, oldest first.</summary>
    [Id(3)] public List<KeyValuePair<string, string>> EgressOwners { get; set; } = [];
}
