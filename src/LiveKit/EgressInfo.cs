using Proto = LiveKit.Proto;

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

    internal static EgressInfo FromProto(Proto.EgressInfo egress)
    {
        var track = egress.RequestCase == Proto.EgressInfo.RequestOneofCase.Track ? egress.Track : null;
        return new EgressInfo
        {
            EgressId = egress.EgressId,
            RoomName = egress.RoomName,
            RoomId = egress.RoomId,
            Status = ProtoJson.Known<EgressStatus>((int)egress.Status),
            Error = egress.Error,
            StartedAt = egress.StartedAt,
            EndedAt = egress.EndedAt,
            UpdatedAt = egress.UpdatedAt,
            TrackId = track?.TrackId ?? "",
            WebsocketUrl = Redacted(track?.WebsocketUrl ?? ""),
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
