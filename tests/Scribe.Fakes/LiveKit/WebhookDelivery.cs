namespace Scribe.Fakes.LiveKit;

/// <summary>One webhook as posted: the exact body bytes, the Authorization header, and the receiver's answer.</summary>
public sealed record WebhookDelivery(string EventId, string EventName, byte[] Body, string Authorization, int HttpStatus);
