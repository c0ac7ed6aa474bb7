using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Scribe.LiveKit;
using Proto = LiveKit.Proto;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// LiveKit's Egress service (StartTrackEgress, StopEgress, ListEgress) and the egresses it runs: each streams its
/// track through an <see cref="EgressSimulator"/> and reports every status change.
/// </summary>
public sealed partial class FakeLiveKitServer
{
    private readonly Dictionary<string, Egress> _egresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<Egress>> _firstEgressOfTrack = new(StringComparer.Ordinal);
    private int _egressCount;

    public IReadOnlyList<EgressInfo> Egresses
    {
        get
        {
            lock (_gate)
            {
                return [.. _egresses.Values.Select(e => e.ToInfo())];
            }
        }
    }

    public EgressInfo GetEgress(string egressId)
    {
        lock (_gate)
        {
            return _egresses[egressId].ToInfo();
        }
    }

    /// <summary>The first egress started for a track, once there is one.</summary>
    public async Task<EgressInfo> WaitForTrackEgressAsync(string trackSid, CancellationToken ct)
    {
        Task<Egress> first;
        lock (_gate)
        {
            first = FirstEgressOf(trackSid).Task;
        }

        var egress = await first.WaitAsync(ct).ConfigureAwait(false);
        lock (_gate)
        {
            return egress.ToInfo();
        }
    }

    /// <summary>Completes when the egress is Complete, Failed or Aborted, with its final info.</summary>
    public Task<EgressInfo> WaitForEgressEndAsync(string egressId, CancellationToken ct)
    {
        Egress egress;
        lock (_gate)
        {
            egress = _egresses[egressId];
        }

        return egress.Ended.Task.WaitAsync(ct);
    }

    /// <summary>Where in its track's audio the egress began streaming: zero, or for a live track where the track was then.</summary>
    public TimeSpan MediaStartOf(string egressId)
    {
        lock (_gate)
        {
            return _egresses[egressId].Simulator.MediaStart;
        }
    }

    /// <summary>Kills an egress like a crashed egress worker: the socket is aborted, no close frame.</summary>
    public void KillEgress(string egressId)
    {
        Egress egress;
        lock (_gate)
        {
            egress = _egresses[egressId];
        }

        egress.Simulator.Kill();
    }

    private Reply StartTrackEgress(Proto.TrackEgressRequest request)
    {
        var roomName = request.RoomName;
        var trackId = request.TrackId;
        var websocketUrl = request.WebsocketUrl;
        if (roomName.Length == 0)
        {
            return Reply.Error("invalid_argument", "no room name");
        }

        if (trackId.Length == 0)
        {
            return Reply.Error("invalid_argument", "no track id");
        }

        if (!Uri.TryCreate(websocketUrl, UriKind.Absolute, out var url) || (url.Scheme != "ws" && url.Scheme != "wss"))
        {
            return Reply.Error("invalid_argument", "websocket_url must be a ws:// or wss:// URL");
        }

        Egress egress;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(roomName, out var room))
            {
                return Reply.Error("not_found", "requested room does not exist");
            }

            var track = room.Participants.Values.SelectMany(p => p.Tracks.Values).FirstOrDefault(t => t.Sid == trackId);
            if (track is null)
            {
                return Reply.Error("not_found", "track is not found");
            }

            var sequence = ++_egressCount;
            var simulator = new EgressSimulator(
                url, track.Pcm, track.Script, Pace, _seed + sequence, _loggerFactory.CreateLogger<EgressSimulator>(), track.Script.Live ? track.LivePosition : null);
            egress = new Egress("EG_" + NewId(), sequence, roomName, room.Sid, trackId, url, simulator) { UpdatedAt = NowNanos() };
            _egresses[egress.Id] = egress;
            FirstEgressOf(trackId).TrySetResult(egress);
        }

        _logger.LogInformation("Fake LiveKit started egress {EgressId} of track {TrackSid} to {Url}", egress.Id, trackId, egress.RedactedUrl);
        var started = egress.ToInfo();
        _egressWebhooks.Writer.TryWrite((started, egress.StreamUrl));
        egress.Run = Task.Run(() => RunEgressAsync(egress));
        return Reply.Ok(LiveKitProtoJson.Egress(started, ProtoJsonStyle.TwirpResponse, egress.StreamUrl));
    }

    private async Task RunEgressAsync(Egress egress)
    {
        EgressOutcome outcome;
        try
        {
            outcome = await egress.Simulator.RunAsync(() => Update(egress, e =>
            {
                // A stop that raced the connection keeps the egress Ending.
                e.Status = e.Status == EgressStatus.Starting ? EgressStatus.Active : e.Status;
                e.StartedAt = NowNanos();
            }), egress.Stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            outcome = new EgressOutcome(EgressStatus.Failed, "egress simulator crashed: " + ex.Message, 0, 0);
        }

        var final = Update(egress, e =>
        {
            e.Status = outcome.Status;
            e.Error = outcome.Error;
            e.EndedAt = NowNanos();
        });
        egress.Ended.TrySetResult(final);
    }

    private EgressInfo Update(Egress egress, Action<Egress> change)
    {
        EgressInfo info;
        lock (_gate)
        {
            change(egress);
            egress.UpdatedAt = NowNanos();
            info = egress.ToInfo();
        }

        EgressChanged?.Invoke(info);
        _egressWebhooks.Writer.TryWrite((info, egress.StreamUrl));
        return info;
    }

    private Reply StopEgress(Proto.StopEgressRequest request)
    {
        var egressId = request.EgressId;
        Egress? egress;
        EgressStatus status;
        lock (_gate)
        {
            if (!_egresses.TryGetValue(egressId, out egress))
            {
                return Reply.Error("not_found", "egress does not exist");
            }

            status = egress.Status;
            if (status is EgressStatus.Starting or EgressStatus.Active)
            {
                egress.Status = EgressStatus.Ending;
            }
        }

        if (status is not (EgressStatus.Starting or EgressStatus.Active))
        {
            return Reply.Error("failed_precondition", $"egress with status EGRESS_{LiveKitProtoJson.Upper(status.ToString())} cannot be stopped");
        }

        var info = Update(egress, _ => { });
        egress.Stop.Cancel();
        return Reply.Ok(LiveKitProtoJson.Egress(info, ProtoJsonStyle.TwirpResponse, egress.StreamUrl));
    }

    private Reply ListEgress(Proto.ListEgressRequest request)
    {
        var roomName = request.RoomName;
        var egressId = request.EgressId;
        var active = request.Active;
        List<(EgressInfo Info, string StreamUrl)> items;
        lock (_gate)
        {
            items = [.. _egresses.Values
                .OrderBy(e => e.Sequence)
                .Where(e => roomName.Length == 0 || e.RoomName == roomName)
                .Where(e => egressId.Length == 0 || e.Id == egressId)
                .Select(e => (Info: e.ToInfo(), e.StreamUrl))
                .Where(e => !active || e.Info.IsActive)];
        }

        return Reply.Ok(new JsonObject
        {
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode?)LiveKitProtoJson.Egress(i.Info, ProtoJsonStyle.TwirpResponse, i.StreamUrl))]),
            ["next_page_token"] = null,
        });
    }

    /// <summary>Completes with the first egress started for the track; call under <c>_gate</c>.</summary>
    private TaskCompletionSource<Egress> FirstEgressOf(string trackSid)
    {
        if (!_firstEgressOfTrack.TryGetValue(trackSid, out var first))
        {
            first = new TaskCompletionSource<Egress>(TaskCreationOptions.RunContinuationsAsynchronously);
            _firstEgressOfTrack[trackSid] = first;
        }

        return first;
    }

    /// <summary>LiveKit echoes the websocket_url with every query value hidden, e.g. ?token={...}.</summary>
    internal static string Redact(Uri url)
    {
        var query = url.Query.TrimStart('?');
        if (query.Length == 0)
        {
            return url.AbsoluteUri;
        }

        var redacted = string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)[0] + "={...}"));
        return url.GetLeftPart(UriPartial.Path) + "?" + redacted;
    }

    private sealed class Egress(string id, int sequence, string roomName, string roomId, string trackId, Uri url, EgressSimulator simulator)
    {
        public string Id { get; } = id;
        public int Sequence { get; } = sequence;
        public string RoomName { get; } = roomName;
        public string TrackId { get; } = trackId;
        public string RedactedUrl { get; } = Redact(url);

        /// <summary>The URL as dialled, token included: LiveKit reports it so in <c>stream_results</c>.</summary>
        public string StreamUrl { get; } = url.AbsoluteUri;
        public EgressSimulator Simulator { get; } = simulator;
        public CancellationTokenSource Stop { get; } = new();
        public TaskCompletionSource<EgressInfo> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task Run { get; set; } = Task.CompletedTask;
        public EgressStatus Status { get; set; }
        public string Error { get; set; } = "";
        public long StartedAt { get; set; }
        public long EndedAt { get; set; }
        public long UpdatedAt { get; set; }

        public EgressInfo ToInfo() => new()
        {
            EgressId = Id,
            RoomName = RoomName,
            RoomId = roomId,
            Status = Status,
            Error = Error,
            StartedAt = StartedAt,
            EndedAt = EndedAt,
            UpdatedAt = UpdatedAt,
            TrackId = TrackId,
            WebsocketUrl = RedactedUrl,
        };
    }
}
