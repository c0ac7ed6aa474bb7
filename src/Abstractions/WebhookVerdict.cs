namespace Scribe;

/// <summary>What the room's webhook ledger says about one delivery.</summary>
[GenerateSerializer, Alias("scribe.webhook-verdict")]
public enum WebhookVerdict
{
    /// <summary>First time this id is seen: act on it.</summary>
    Accept = 0,

    /// <summary>LiveKit retried an event already handled: answer 200 and do nothing.</summary>
    Duplicate = 1,

    /// <summary>A stray event of a room session that has finished: it must not bring the room back.</summary>
    RoomFinished = 2,
}
