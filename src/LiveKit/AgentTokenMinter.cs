namespace Scribe.LiveKit;

/// <summary>
/// Mints the token the silo's media process joins a room with: kind <c>agent</c> and only <c>roomJoin</c>,
/// <c>room</c>, <c>hidden</c>, <c>agent</c>, <c>canSubscribe</c> and <c>canPublishData</c>, with <c>canPublish</c>
/// said false (LiveKit reads an absent <c>canPublish</c> as true). LiveKit forwards a
/// transcription packet only from an agent, and hides a hidden participant from the others. Short-lived: it only
/// has to connect; the server refreshes the session's token itself, and a rejoin mints a new one.
/// </summary>
public sealed class AgentTokenMinter(string apiKey, string apiSecret, TimeProvider? time = null)
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public TimeSpan Ttl { get; init; } = DefaultTtl;

    public string Mint(string room, string identity, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        ArgumentException.ThrowIfNullOrEmpty(identity);
        return new AccessToken(apiKey, apiSecret)
        {
            Identity = identity,
            Name = name,
            Ttl = Ttl,
            Kind = "agent",
            Grant = new VideoGrant { RoomJoin = true, Room = room, Hidden = true, Agent = true, CanSubscribe = true, CanPublishData = true, CanPublish = false },
        }.ToJwt(_time.GetUtcNow());
    }
}
