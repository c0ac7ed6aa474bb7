using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>
/// A LiveKit server as far as we use it, on a real Kestrel port: Twirp Egress (StartTrackEgress,
/// StopEgress, ListEgress) and RoomService (ListRooms, ListParticipants, SendData) with LiveKit's token
/// checks, grants and error codes, snake_case answers with defaults present, and track egress that
/// really dials the websocket_url and streams the registered PCM (<see cref="EgressSimulator"/>).
/// </summary>
public sealed class FakeLiveKitServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _apiKey;
    private readonly AccessTokenVerifier _verifier;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Random _ids;
    private readonly int _seed;
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Egress> _egresses = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedTwirpRequest> _requests = new();
    private readonly ConcurrentQueue<SentDataPacket> _sentData = new();
    private readonly Channel<(EgressInfo Info, string StreamUrl)> _egressWebhooks = Channel.CreateUnbounded<(EgressInfo Info, string StreamUrl)>(new() { SingleReader = true });
    private Task _webhookDelivery = Task.CompletedTask;
    private int _egressCount;

    private FakeLiveKitServer(WebApplication app, string apiKey, string apiSecret, double pace, int seed, ILoggerFactory loggerFactory)
    {
        _app = app;
        _apiKey = apiKey;
        _verifier = new AccessTokenVerifier(apiKey, apiSecret);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<FakeLiveKitServer>();
        _seed = seed;
        _ids = new Random(seed);
        Pace = pace;
    }

    /// <summary>http://127.0.0.1:{port}/ — what <see cref="LiveKitOptions.Url"/> should point at.</summary>
    public Uri Url { get; private set; } = null!;

    public string ApiKey => _apiKey;

    /// <summary>Egress streaming speed for egresses started from now on: 1 = real time, 0 = as fast as possible.</summary>
    public double Pace { get; set; }

    public IReadOnlyList<RecordedTwirpRequest> Requests => [.. _requests];

    public IReadOnlyList<SentDataPacket> SentData => [.. _sentData];

    /// <summary>Raised on every egress status change (for tests that turn them into egress webhooks).</summary>
    public event Action<EgressInfo>? EgressChanged;

    /// <summary>
    /// From now on, posts egress webhooks as LiveKit does: <c>egress_started</c> when an egress is created,
    /// <c>egress_updated</c> on each status change, <c>egress_ended</c> once it is complete, failed or aborted.
    /// They go out in order, one at a time; a delivery the receiver does not answer with 200 is retried a few
    /// times, each time to <paramref name="target"/> asked afresh (a load balancer in front of the silos).
    /// </summary>
    public void SendWebhooks(LiveKitWebhookSender sender, Func<Uri> target)
    {
        if (!_webhookDelivery.IsCompleted)
        {
            throw new InvalidOperationException("Webhooks are already being sent.");
        }

        _webhookDelivery = Task.Run(() => DeliverWebhooksAsync(sender, target));
    }

    public static async Task<FakeLiveKitServer> StartAsync(
        string apiKey,
        string apiSecret,
        double pace = 4.0,
        int seed = 20_261_124,
        ILoggerFactory? loggerFactory = null,
        CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeLiveKitServer(app, apiKey, apiSecret, pace, seed, loggerFactory ?? NullLoggerFactory.Instance);
        app.MapPost("/twirp/{service}/{method}", (HttpContext context, string service, string method) => server.HandleAsync(context, service, method));
        await app.StartAsync(ct).ConfigureAwait(false);
        server.Url = Loopback.AddressOf(app);
        return server;
    }

    /// <summary>Puts a participant in a room, creating the room on first use. Returns what LiveKit would report.</summary>
    public LiveKitParticipant AddParticipant(string room, string identity, string name = "", ParticipantKind kind = ParticipantKind.Standard)
    {
        lock (_gate)
        {
            var r = RoomOrCreate(room);
            if (!r.Participants.TryGetValue(identity, out var participant))
            {
                participant = new Participant("PA_" + NewId(), identity, name, kind, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                r.Participants[identity] = participant;
            }

            return participant.ToInfo();
        }
    }

    /// <summary>
    /// Publishes a microphone track whose audio is <paramref name="pcm48kStereo"/> (48 kHz, 2 channels,
    /// s16le interleaved); a track egress of it streams exactly these bytes, less any muted stretch.
    /// </summary>
    public LiveKitTrack AddAudioTrack(string room, string identity, string trackSid, ReadOnlyMemory<byte> pcm48kStereo, EgressAudioScript? script = null)
    {
        AddParticipant(room, identity);
        lock (_gate)
        {
            var track = new Track(trackSid, pcm48kStereo, script ?? EgressAudioScript.Default, Pace, Stopwatch.GetTimestamp());
            _rooms[room].Participants[identity].Tracks[trackSid] = track;
            return track.ToInfo();
        }
    }

    /// <summary>Unpublishes a track; its running egresses end normally, as LiveKit's do.</summary>
    public void UnpublishTrack(string room, string trackSid)
    {
        List<Egress> ending;
        lock (_gate)
        {
            if (_rooms.TryGetValue(room, out var r))
            {
                foreach (var participant in r.Participants.Values)
                {
                    participant.Tracks.Remove(trackSid);
                }
            }

            ending = [.. _egresses.Values.Where(e => e.RoomName == room && e.TrackId == trackSid && e.Status is EgressStatus.Starting or EgressStatus.Active)];
        }

        foreach (var egress in ending)
        {
            egress.Stop.Cancel();
        }
    }

    /// <summary>A participant leaves: its tracks are unpublished (their egresses end normally) and it is no longer listed.</summary>
    public void RemoveParticipant(string room, string identity)
    {
        List<string> tracks;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var r) || !r.Participants.TryGetValue(identity, out var participant))
            {
                return;
            }

            tracks = [.. participant.Tracks.Keys];
        }

        foreach (var track in tracks)
        {
            UnpublishTrack(room, track);
        }

        lock (_gate)
        {
            _rooms[room].Participants.Remove(identity);
        }
    }

    public LiveKitRoom GetRoom(string room)
    {
        lock (_gate)
        {
            return _rooms[room].ToInfo();
        }
    }

    public LiveKitParticipant GetParticipant(string room, string identity)
    {
        lock (_gate)
        {
            return _rooms[room].Participants[identity].ToInfo();
        }
    }

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
        while (true)
        {
            lock (_gate)
            {
                var egress = _egresses.Values.OrderBy(e => e.Sequence).FirstOrDefault(e => e.TrackId == trackSid);
                if (egress is not null)
                {
                    return egress.ToInfo();
                }
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
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

    public async ValueTask DisposeAsync()
    {
        List<Egress> running;
        lock (_gate)
        {
            running = [.. _egresses.Values];
        }

        foreach (var egress in running)
        {
            egress.Stop.Cancel();
        }

        try
        {
            await Task.WhenAll(running.Select(e => e.Run)).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var egress in running)
            {
                egress.Simulator.Kill();
            }
        }

        _egressWebhooks.Writer.TryComplete();
        await _webhookDelivery.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var egress in running)
        {
            egress.Stop.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context, string service, string method)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var body = buffer.ToArray();
        var authorization = context.Request.Headers.Authorization.ToString();
        var reply = Dispatch(service, method, context.Request.ContentType, authorization, body);
        _requests.Enqueue(new RecordedTwirpRequest(service, method, Encoding.UTF8.GetString(body), authorization.Length == 0 ? null : authorization, reply.Status));
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = reply.ContentType;
        await context.Response.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private Reply Dispatch(string service, string method, string? contentType, string authorization, byte[] body)
    {
        var route = $"{service}/{method}";
        if (route is not ("livekit.Egress/StartTrackEgress" or "livekit.Egress/StopEgress" or "livekit.Egress/ListEgress"
            or "livekit.RoomService/ListRooms" or "livekit.RoomService/ListParticipants" or "livekit.RoomService/SendData"))
        {
            return Reply.Error("bad_route", $"no handler for path \"/twirp/{route}\"");
        }

        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return Reply.Error("bad_route", $"unexpected Content-Type: \"{contentType}\"");
        }

        // LiveKit's auth middleware answers bad credentials with plain-text 401s, before Twirp sees the call.
        AccessTokenClaims? claims = null;
        if (authorization.Length > 0)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return Reply.PlainUnauthorized("invalid authorization header. Must start with Bearer ");
            }

            try
            {
                claims = _verifier.Verify(authorization["Bearer ".Length..]);
            }
            catch (AccessTokenRejectedException ex)
            {
                return Reply.PlainUnauthorized(ex.Reason == AccessTokenRejection.UnknownKey
                    ? "invalid API key: " + ex.Message
                    : "invalid token: " + ex.Message);
            }
        }

        JsonElement request;
        try
        {
            using var document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
            request = document.RootElement.Clone();
            if (request.ValueKind != JsonValueKind.Object)
            {
                return Reply.Error("malformed", "the json request could not be decoded");
            }
        }
        catch (JsonException)
        {
            return Reply.Error("malformed", "the json request could not be decoded");
        }

        var video = claims?.Video;
        return route switch
        {
            "livekit.Egress/StartTrackEgress" => video?.RoomRecord == true ? StartTrackEgress(request) : PermissionDenied(),
            "livekit.Egress/StopEgress" => video?.RoomRecord == true ? StopEgress(request) : PermissionDenied(),
            "livekit.Egress/ListEgress" => video?.RoomRecord == true ? ListEgress(request) : PermissionDenied(),
            "livekit.RoomService/ListRooms" => video?.RoomList == true ? ListRooms(request) : PermissionDenied(),
            "livekit.RoomService/ListParticipants" => IsAdminOf(video, request) ? ListParticipants(request) : PermissionDenied(),
            _ => IsAdminOf(video, request) ? SendData(request) : PermissionDenied(),
        };
    }

    /// <summary>LiveKit wraps missing grants as Twirp "unauthenticated" with "permissions denied".</summary>
    private static Reply PermissionDenied() => Reply.Error("unauthenticated", "permissions denied");

    private static bool IsAdminOf(VideoGrant? video, JsonElement request) =>
        video?.RoomAdmin == true && string.Equals(video.Room ?? "", request.GetString("room"), StringComparison.Ordinal);

    private Reply StartTrackEgress(JsonElement request)
    {
        var roomName = request.GetString("room_name");
        var trackId = request.GetString("track_id");
        var websocketUrl = request.GetString("websocket_url");
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

    private async Task DeliverWebhooksAsync(LiveKitWebhookSender sender, Func<Uri> target)
    {
        await foreach (var (egress, streamUrl) in _egressWebhooks.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                try
                {
                    var delivery = egress.Status switch
                    {
                        EgressStatus.Starting => await sender.EgressStartedAsync(target(), egress, CancellationToken.None, streamUrl).ConfigureAwait(false),
                        EgressStatus.Active or EgressStatus.Ending => await sender.EgressUpdatedAsync(target(), egress, CancellationToken.None, streamUrl).ConfigureAwait(false),
                        _ => await sender.EgressEndedAsync(target(), egress, CancellationToken.None, streamUrl).ConfigureAwait(false),
                    };
                    if (delivery.HttpStatus == 200)
                    {
                        break;
                    }

                    _logger.LogInformation("Webhook for egress {EgressId} answered {Status}; attempt {Attempt}", egress.EgressId, delivery.HttpStatus, attempt);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    _logger.LogInformation("Webhook for egress {EgressId} not delivered: {Error}; attempt {Attempt}", egress.EgressId, ex.Message, attempt);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            }
        }
    }

    private Reply StopEgress(JsonElement request)
    {
        var egressId = request.GetString("egress_id");
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

    private Reply ListEgress(JsonElement request)
    {
        var roomName = request.GetString("room_name");
        var egressId = request.GetString("egress_id");
        var active = request.GetBool("active");
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

    private Reply ListRooms(JsonElement request)
    {
        var names = request.GetList("names", e => e.GetString() ?? "");
        List<LiveKitRoom> rooms;
        lock (_gate)
        {
            rooms = [.. _rooms.Values.Where(r => names.Count == 0 || names.Contains(r.Name)).Select(r => r.ToInfo())];
        }

        return Reply.Ok(new JsonObject
        {
            ["rooms"] = new JsonArray([.. rooms.Select(r => (JsonNode?)LiveKitProtoJson.Room(r, ProtoJsonStyle.TwirpResponse))]),
        });
    }

    private Reply ListParticipants(JsonElement request)
    {
        List<LiveKitParticipant> participants;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(request.GetString("room"), out var room))
            {
                return Reply.Error("not_found", "requested room does not exist");
            }

            participants = [.. room.Participants.Values.Select(p => p.ToInfo())];
        }

        return Reply.Ok(new JsonObject
        {
            ["participants"] = new JsonArray([.. participants.Select(p => (JsonNode?)LiveKitProtoJson.Participant(p, ProtoJsonStyle.TwirpResponse))]),
        });
    }

    private Reply SendData(JsonElement request)
    {
        var roomName = request.GetString("room");
        lock (_gate)
        {
            if (!_rooms.ContainsKey(roomName))
            {
                return Reply.Error("not_found", "requested room does not exist");
            }
        }

        byte[] data;
        try
        {
            data = Convert.FromBase64String(request.GetString("data"));
        }
        catch (FormatException)
        {
            return Reply.Error("malformed", "the json request could not be decoded: data is not base64");
        }

        _sentData.Enqueue(new SentDataPacket(
            roomName,
            data,
            request.GetEnum<DataPacketKind>("kind"),
            request.GetList("destination_identities", e => e.GetString() ?? ""),
            request.GetOptionalString("topic")));
        return Reply.Ok(new JsonObject());
    }

    private Room RoomOrCreate(string name)
    {
        if (!_rooms.TryGetValue(name, out var room))
        {
            room = new Room("RM_" + NewId(), name, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            _rooms[name] = room;
        }

        return room;
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

    private string NewId()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        lock (_ids)
        {
            return string.Create(12, _ids, static (span, random) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = alphabet[random.Next(alphabet.Length)];
                }
            });
        }
    }

    private static long NowNanos() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    private sealed record Reply(int Status, string ContentType, string Body)
    {
        public static Reply Ok(JsonObject body) => new(200, "application/json", body.ToJsonString());

        public static Reply Error(string code, string message) => new(StatusOf(code), "application/json", new JsonObject { ["code"] = code, ["msg"] = message }.ToJsonString());

        public static Reply PlainUnauthorized(string message) => new(401, "text/plain; charset=utf-8", message);

        /// <summary>Twirp's code → HTTP status table.</summary>
        private static int StatusOf(string code) => code switch
        {
            "invalid_argument" or "malformed" or "out_of_range" => 400,
            "unauthenticated" => 401,
            "permission_denied" or "resource_exhausted" => 403,
            "not_found" or "bad_route" => 404,
            "already_exists" or "aborted" => 409,
            "failed_precondition" => 412,
            "unavailable" => 503,
            _ => 500,
        };
    }

    private sealed class Room(string sid, string name, long creationTime)
    {
        public string Sid { get; } = sid;
        public string Name { get; } = name;
        public Dictionary<string, Participant> Participants { get; } = new(StringComparer.Ordinal);

        public LiveKitRoom ToInfo() => new()
        {
            Sid = Sid,
            Name = Name,
            CreationTime = creationTime,
            NumParticipants = Participants.Count,
            NumPublishers = Participants.Values.Count(p => p.Tracks.Count > 0),
        };
    }

    private sealed class Participant(string sid, string identity, string name, ParticipantKind kind, long joinedAt)
    {
        public Dictionary<string, Track> Tracks { get; } = new(StringComparer.Ordinal);

        public LiveKitParticipant ToInfo() => new()
        {
            Sid = sid,
            Identity = identity,
            Name = name,
            Kind = kind,
            State = ParticipantState.Active,
            JoinedAt = joinedAt,
            Tracks = [.. Tracks.Values.Select(t => t.ToInfo())],
        };
    }

    private sealed class Track(string sid, ReadOnlyMemory<byte> pcm, EgressAudioScript script, double pace, long publishedAt)
    {
        public string Sid { get; } = sid;
        public ReadOnlyMemory<byte> Pcm { get; } = pcm;
        public EgressAudioScript Script { get; } = script;

        /// <summary>How far a live track has played since it was published, as a whole-sample byte offset.</summary>
        public long LivePosition()
        {
            var played = (long)(Stopwatch.GetElapsedTime(publishedAt).TotalSeconds * pace * EgressSimulator.BytesPerSecond);
            return Math.Min(played / 4 * 4, Pcm.Length);
        }

        public LiveKitTrack ToInfo() => new()
        {
            Sid = Sid,
            Type = TrackType.Audio,
            Source = TrackSource.Microphone,
            MimeType = "audio/opus",
            Stereo = true,
        };
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
