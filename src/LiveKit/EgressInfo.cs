using System.Text.Json;

namespace Scribe.LiveKit;

/// <summary>
/// The parts of LiveKit's <c>EgressInfo</c> we use. Times are unix nanoseconds as LiveKit reports them.
/// LiveKit reports the URL an egress dials, ingest token included, in <c>stream_results</c>: we never read those,
/// and keep <see cref="WebsocketUrl"/> only with its query values redacted. Correlate by <see cref="EgressId"/>.
/// </summary>
public sealed record EgressInfo
{
    public string EgressId { get; init; } = "";
    public string RoomName { get; init; } = "";
    public string RoomId { get; init; } = "";
    public EgressStatus Status { get; init; }
    public string Error { get; init; } = "";
    public long StartedAt { get; init; }
    public long EndedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>The track of a track egress, when the server echoes the request.</summary>
    public string TrackId { get; init; } = "";

    /// <summary>The websocket output of a track egress, query values redacted by LiveKit.</summary>
    public string WebsocketUrl { get; init; } = "";

    public bool IsActive => Status is EgressStatus.Starting or EgressStatus.Active or EgressStatus.Ending;

    internal static EgressInfo FromProtoJson(JsonElement json)
    {
        var track = json.GetMessage("track");
        return new EgressInfo
        {
            EgressId = json.GetString("egress_id"),
            RoomName = json.GetString("room_name"),
            RoomId = json.GetString("room_id"),
            Status = json.GetEnum<EgressStatus>("status", "EGRESS_"),
            Error = json.GetString("error"),
            StartedAt = json.GetInt64("started_at"),
            EndedAt = json.GetInt64("ended_at"),
            UpdatedAt = json.GetInt64("updated_at"),
            TrackId = track?.GetString("track_id") ?? "",
            WebsocketUrl = Redacted(track?.GetString("websocket_url") ?? ""),
        };
    }

    /// <summary>
    /// LiveKit already hides the query values of the echoed request URL (<c>?token={...}</c>); doing it again
    /// here keeps a token out of our state and logs should a server echo it whole.
    /// </summary>
    internal static string Redacted(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return url;
        }

        var pairs = url[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2) is [var name, _] ? name + "={...}" : "{...}");
        return url[..query] + "?" + string.Join('&', pairs);
    }
}
