using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Proto = LiveKit.Proto;

namespace Scribe.LiveKit;

/// <summary>LiveKit's Egress service: we use track egress to a WebSocket to receive each speaker's audio.</summary>
public sealed partial class EgressClient
{
    private const string Service = "Egress";
    private static readonly VideoGrant RecordGrant = new() { RoomRecord = true };

    private readonly TwirpChannel _channel;
    private readonly ILogger _logger;

    public EgressClient(HttpClient http, LiveKitOptions options, ILogger<EgressClient>? logger = null)
    {
        _logger = logger ?? NullLogger<EgressClient>.Instance;
        _channel = new TwirpChannel(http, options, _logger);
    }

    /// <summary>
    /// Asks LiveKit to stream one track as raw PCM to <paramref name="websocketUrl"/>. The returned info
    /// echoes the URL with its query values redacted: keep the egress id, not the URL. The URL carries the
    /// ingest token, so it is never logged.
    /// </summary>
    public async Task<EgressInfo> StartTrackEgressAsync(string roomName, string trackSid, Uri websocketUrl, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomName);
        ArgumentException.ThrowIfNullOrEmpty(trackSid);
        ArgumentNullException.ThrowIfNull(websocketUrl);
        if (!websocketUrl.IsAbsoluteUri || (websocketUrl.Scheme != "ws" && websocketUrl.Scheme != "wss"))
        {
            throw new ArgumentException("Track egress needs a ws:// or wss:// URL.", nameof(websocketUrl));
        }

        var request = new Proto.TrackEgressRequest { RoomName = roomName, TrackId = trackSid, WebsocketUrl = websocketUrl.AbsoluteUri };
        var info = EgressInfo.FromProto(await _channel.CallAsync<Proto.EgressInfo>(Service, "StartTrackEgress", request, RecordGrant, ct).ConfigureAwait(false));
        LogStarted(info.EgressId, trackSid, roomName, info.Status);
        return info;
    }

    public async Task<EgressInfo> StopEgressAsync(string egressId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(egressId);
        var request = new Proto.StopEgressRequest { EgressId = egressId };
        var info = EgressInfo.FromProto(await _channel.CallAsync<Proto.EgressInfo>(Service, "StopEgress", request, RecordGrant, ct).ConfigureAwait(false));
        LogStopped(info.EgressId, info.Status);
        return info;
    }

    public async Task<IReadOnlyList<EgressInfo>> ListEgressAsync(string? roomName, string? egressId, bool activeOnly, CancellationToken ct)
    {
        // Empty filters are left out of the JSON, which is what LiveKit reads as "no filter".
        var request = new Proto.ListEgressRequest { RoomName = roomName ?? "", EgressId = egressId ?? "", Active = activeOnly };
        var response = await _channel.CallAsync<Proto.ListEgressResponse>(Service, "ListEgress", request, RecordGrant, ct).ConfigureAwait(false);
        return [.. response.Items.Select(EgressInfo.FromProto)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started track egress {EgressId} for track {TrackSid} in room {Room} ({EgressStatus})")]
    private partial void LogStarted(string egressId, string trackSid, string room, EgressStatus egressStatus);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped egress {EgressId} ({EgressStatus})")]
    private partial void LogStopped(string egressId, EgressStatus egressStatus);
}
