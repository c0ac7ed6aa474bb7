using Scribe.LiveKit;

namespace Scribe.Agent;

/// <summary>The agent's own LiveKit token: one room, hidden, kind agent, subscribe and data only, short-lived.</summary>
public static class AgentToken
{
    /// <summary>Only the connect needs it: LiveKit refreshes a connected participant's token itself.</summary>
    public static TimeSpan Ttl => AgentTokenMinter.DefaultTtl;

    public static string Mint(LiveKitOptions options, string room, DateTimeOffset now) =>
        new AgentTokenMinter(options.ApiKey, options.ApiSecret, new FixedClock(now)).Mint(room, options.AgentIdentity, options.AgentIdentity);

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

    /// <summary>The minter reads the time once, as of the caller's <c>now</c>.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
