namespace Scribe;

/// <summary>An event in the outbox with its delivery so far.</summary>
/// <param name="Attempts">Failed attempts.</param>
/// <param name="LastError">What the last failed attempt met: a status code or an exception's message.</param>
[GenerateSerializer, Immutable, Alias("scribe.pending-notification")]
public sealed record PendingNotification(
    [property: Id(0)] BackendNotification Notification,
    [property: Id(1)] int Attempts,
    [property: Id(2)] DateTimeOffset NextAttemptAt,
    [property: Id(3)] string? LastError = null,
    [property: Id(4)] DateTimeOffset? LastAttemptAt = null);
