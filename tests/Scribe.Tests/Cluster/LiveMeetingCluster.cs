namespace Scribe.Tests.Cluster;

/// <summary>
/// Silo processes on a private Redis, a strict fake vLLM, and a fake LiveKit playing live tracks in real time: the rig
/// for tests that take a silo away in the middle of a meeting. Webhooks go to a live silo, as through a load balancer.
/// </summary>
public sealed class LiveMeetingCluster : IAsyncDisposable
{
    private readonly MeetingRig _rig;
    private readonly List<SiloProcess> _silos = [];
    private readonly List<SiloProcess> _alive = [];
    private readonly Lock _gate = new();
    private int _next;

    private LiveMeetingCluster(MeetingRig rig) => _rig = rig;

    public RedisServer Redis => _rig.Redis;

    public FakeVllmServer Vllm => _rig.Vllm;

    public FakeLiveKitServer LiveKit => _rig.LiveKit;

    public LiveKitWebhookSender Webhooks => _rig.Webhooks;

    /// <summary>The silos not taken away by the test.</summary>
    public IReadOnlyList<SiloProcess> Alive
    {
        get
        {
            lock (_gate)
            {
                return [.. _alive];
            }
        }
    }

    /// <summary>Starts <paramref name="silos"/> silo processes with membership on its defaults, as a deployment gets it.</summary>
    public static async Task<LiveMeetingCluster> StartAsync(int silos)
    {
        // The fakes and Redis only: the silos are processes. Real time: the live tracks play on while a silo is gone, as a meeting would.
        var cluster = new LiveMeetingCluster(await MeetingRig.StartAsync(new RigOptions
        {
            Silos = 0,
            Redis = true,
            ClusterName = "live",
            LiveKitPace = 1.0,
            MaxSessions = 64,
            Settings = new Dictionary<string, string?> { ["LiveKit:PublishTranscripts"] = "false" },
        }));
        cluster._silos.AddRange(await Task.WhenAll(Enumerable.Range(0, silos).Select(_ => SiloProcess.StartAsync(cluster._rig.Settings, CancellationToken.None))));
        cluster._alive.AddRange(cluster._silos);
        return cluster;
    }

    /// <summary>A live silo's webhook URL, round robin.</summary>
    public Uri AnySilo()
    {
        var alive = Alive;
        return alive[Interlocked.Increment(ref _next) % alive.Count].WebhookUrl;
    }

    /// <summary>LiveKit posts egress webhooks (to a live silo) from now on.</summary>
    public void SendEgressWebhooks() => LiveKit.SendWebhooks(Webhooks, AnySilo);

    /// <summary>Starts the rooms and publishes every speaker's live track, each webhook to some silo.</summary>
    public async Task PublishAsync(IEnumerable<LiveSpeaker> speakers)
    {
        var live = new EgressAudioScript { Live = true };
        foreach (var room in speakers.GroupBy(s => s.Room))
        {
            Assert.Equal(200, (await Webhooks.RoomStartedAsync(AnySilo(), new LiveKitRoom { Name = room.Key, Sid = "RM_" + room.Key }, CancellationToken.None)).HttpStatus);
            foreach (var speaker in room)
            {
                var participant = LiveKit.AddParticipant(speaker.Room, speaker.Identity, speaker.Identity);
                var track = LiveKit.AddAudioTrack(speaker.Room, speaker.Identity, speaker.TrackSid, speaker.Pcm, live);
                Assert.Equal(200, (await Webhooks.TrackPublishedAsync(AnySilo(), LiveKit.GetRoom(speaker.Room), participant, track, CancellationToken.None)).HttpStatus);
            }
        }
    }

    /// <summary>Waits until the rooms hold <paramref name="count"/> final segments between them.</summary>
    public async Task WaitForFinalsAsync(IEnumerable<string> rooms, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            var finals = 0;
            foreach (var room in rooms)
            {
                finals += (await Alive[0].Admin.TranscriptAsync(room, cancellationToken)).Count(s => s.IsFinal);
            }

            if (finals >= count)
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The live silo that receives the most audio now.</summary>
    public SiloProcess Busiest() => Alive.MaxBy(silo => LiveKit.Egresses.Count(e => e.Status == EgressStatus.Active && Dials(silo, e)))!;

    /// <summary>The speakers whose egress dials <paramref name="silo"/> now.</summary>
    public IReadOnlyList<LiveSpeaker> FedBy(SiloProcess silo, IEnumerable<LiveSpeaker> speakers) =>
        [.. speakers.Where(s => LiveKit.Egresses.Any(e => e.TrackId == s.TrackSid && e.Status == EgressStatus.Active && Dials(silo, e)))];

    /// <summary>Takes <paramref name="silo"/> out of the webhook rotation (before the test stops or kills it).</summary>
    public void Remove(SiloProcess silo)
    {
        lock (_gate)
        {
            _alive.Remove(silo);
        }
    }

    /// <summary>The first egress started for the speaker's track.</summary>
    public EgressInfo FirstEgress(LiveSpeaker speaker) => LiveKit.Egresses.Where(e => e.TrackId == speaker.TrackSid).MinBy(e => e.StartedAt)!;

    /// <summary>Where on its track the speaker was first heard: the first egress joined the live track there.</summary>
    public TimeSpan FirstHeardAt(LiveSpeaker speaker) => LiveKit.MediaStartOf(FirstEgress(speaker).EgressId);

    /// <summary>The last egress started for the speaker's track.</summary>
    public EgressInfo LastEgress(LiveSpeaker speaker) => LiveKit.Egresses.Where(e => e.TrackId == speaker.TrackSid).MaxBy(e => e.StartedAt)!;

    /// <summary>Waits until every track has played out through its last egress.</summary>
    public async Task WaitForTracksAsync(IEnumerable<LiveSpeaker> speakers, CancellationToken cancellationToken)
    {
        foreach (var speaker in speakers)
        {
            Assert.Equal(EgressStatus.Complete, (await LiveKit.WaitForEgressEndAsync(LastEgress(speaker).EgressId, cancellationToken)).Status);
        }
    }

    /// <summary>The room's transcript once all its segments are final, read again a second later so late finals are in.</summary>
    public async Task<IReadOnlyList<TranscriptSegment>> SettledTranscriptAsync(string room, CancellationToken cancellationToken)
    {
        var reader = Alive[0].Admin;
        var transcript = await reader.WaitForFinalsAsync(room, 1, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return await reader.WaitForFinalsAsync(room, transcript.Count, cancellationToken);
    }

    public static bool Dials(SiloProcess silo, EgressInfo egress) => new Uri(egress.WebsocketUrl.Split('?')[0]).Port == silo.Url.Port;

    /// <summary>Segment ids are <c>{identity}:{track}:{stream}.{generation}</c>; the stream counts the speaker's egress connections.</summary>
    public static int StreamOf(TranscriptSegment segment) =>
        int.Parse(segment.Id.Split(':')[^1].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the live silos' logs to the test output.</summary>
    public void WriteLogs(ITestOutputHelper output)
    {
        foreach (var silo in Alive)
        {
            output.WriteLine($"--- log of silo {silo.Url}\n{silo.Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // LiveKit first: no egress or webhook goes on into silos that are stopping.
        await _rig.StopLiveKitAsync();
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _rig.DisposeAsync();
    }
}
