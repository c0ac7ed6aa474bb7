using System.Text.Json;
using Scribe.LiveKit;

namespace Scribe.Agent;

/// <summary>The agent's own LiveKit token: one room, hidden, kind agent, subscribe and data only, short-lived.</summary>
public static class AgentToken
{
    /// <summary>Only the connect needs it: LiveKit refreshes a connected participant's token itself.</summary>
    public static TimeSpan Ttl => AgentTokenMinter.DefaultTtl;

    public static string Mint(LiveKitOptions options, string room, DateTimeOffset now) =>
        new AgentTokenMinter(options.ApiKey, options.ApiSecret, new FixedClock(now)).Mint(room, options.AgentIdentity, options.AgentIdentity);

    /// <summary>A token LiveKit gave us is used while it has this long left; past it, we mint our own.</summary>
    public static readonly TimeSpan JobTokenMargin = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The join request for <paramref name="room"/>: the server URL as a WebSocket URL, the kinds we transcribe by
    /// LiveKit's names, and <paramref name="jobToken"/> (a dispatched job's, which carries what LiveKit gives its agents,
    /// <c>lk.agent_name</c> included) while it is good, else a token of our own.
    /// </summary>
    public static AgentJoin JoinOf(LiveKitOptions options, string room, DateTimeOffset now, string? jobToken = null)
    {
        var kinds = options.TranscribeKinds.Count == 0 ? [ParticipantKind.Standard] : options.TranscribeKinds;
        var token = jobToken is not null && Usable(jobToken, now) ? jobToken : Mint(options, room, now);
        return new AgentJoin(room, WebSocketUrl(options.Url), token, options.AgentIdentity, [.. kinds.Distinct().Select(KindName)]);
    }

    /// <summary>Whether a JWT expires more than <see cref="JobTokenMargin"/> after <paramref name="now"/> (one without <c>exp</c> does not).</summary>
    public static bool Usable(string token, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            using var claims = JsonDocument.Parse(Base64UrlDecode(parts[1]));
            return claims.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                && DateTimeOffset.FromUnixTimeSeconds(seconds) - now > JobTokenMargin;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return false;
        }
    }

    private static byte[] Base64UrlDecode(string part)
    {
        var padded = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
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
