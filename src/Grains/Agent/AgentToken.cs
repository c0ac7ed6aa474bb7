using Scribe.LiveKit;

namespace Scribe.Agent;

/// <summary>The agent's own LiveKit token: one room, hidden, kind agent, subscribe and data only, short-lived.</summary>
public static class AgentToken
{
    /// <summary>Only the connect needs it: LiveKit refreshes a connected participant's token itself.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);

    public static string Mint(LiveKitOptions options, string room, DateTimeOffset now) => new AccessToken(options.ApiKey, options.ApiSecret)
    {
        Identity = options.AgentIdentity,
        Name = options.AgentIdentity,
        Kind = "agent",
        Ttl = Ttl,
        Grant = new VideoGrant { RoomJoin = true, Room = room, Hidden = true, Agent = true, CanSubscribe = true, CanPublishData = true, CanPublish = false },
    }.ToJwt(now);

    /// <summary>The join request for <paramref name="room"/>: the server URL as a WebSocket URL, the kinds we transcribe by LiveKit's names.</summary>
    public static AgentJoin JoinOf(LiveKitOptions options, string room, DateTimeOffset now)
    {
        var kinds = options.TranscribeKinds.Count == 0 ? [ParticipantKind.Standard] : options.TranscribeKinds;
        return new AgentJoin(room, WebSocketUrl(options.Url), Mint(options, room, now), options.AgentIdentity, [.. kinds.Distinct().Select(KindName)]);
    }

    public static string KindName(ParticipantKind kind) => kind.ToString().ToLowerInvariant();

    public static string WebSocketUrl(string url) =>
        url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "wss://" + url[8..]
        : url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "ws://" + url[7..]
        : url;
}
