namespace Scribe.Tests.Infrastructure;

/// <summary>
/// A silo wired to a fake LiveKit (Twirp with grant checks, an egress simulator that dials our ingest) and a strict
/// fake vLLM, plus the helpers lifecycle tests share. Tests wait on observable state (Twirp calls the fake received,
/// egress status, grain status), never on sleeps.
/// </summary>
public sealed class LiveKitRoomHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly MeetingRig _rig;

    private LiveKitRoomHarness(MeetingRig rig) => _rig = rig;

    public FakeVllmServer Vllm => _rig.Vllm;

    public FakeLiveKitServer LiveKit => _rig.LiveKit;

    public TestSilo Silo => _rig.Silo;

    public LiveKitWebhookSender Webhooks => _rig.Webhooks;

    public Uri WebhookUrl => _rig.WebhookUrl;

    /// <summary>A <see cref="MeetingRig"/> whose silo restarts egress and sends interim captions within 50 ms.</summary>
    public static async Task<LiveKitRoomHarness> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, double pace = 4.0, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["LiveKit:EgressRestartDelayMs"] = "50",
            ["LiveKit:TranscriptInterimIntervalMs"] = "50",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new LiveKitRoomHarness(await MeetingRig.StartAsync(new RigOptions { LiveKitPace = pace, MaxSessions = 16, Settings = all, Services = services }));
    }

    public IGrainFactory Grains => _rig.Grains;

    public IParticipantGrain Participant(string room, string identity) => Grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(room, identity));

    public Task<SpeakerStatus> StatusAsync(string room, string identity) => Participant(room, identity).GetStatusAsync();

    /// <summary>Two seconds of silence, streamed and then held open, as a published but quiet microphone.</summary>
    public static readonly EgressAudioScript QuietAndOpen = new() { StayOpenAfterAudio = true };

    public static byte[] Silence(int ms) => Meeting.Silence(ms);

    public int StartRequests(string trackSid) =>
        LiveKit.Requests.Count(r => r.Method == "StartTrackEgress" && r.Body.Contains($"\"{trackSid}\"", StringComparison.Ordinal));

    public int StopRequests(string egressId) =>
        LiveKit.Requests.Count(r => r.Method == "StopEgress" && r.Body.Contains($"\"{egressId}\"", StringComparison.Ordinal));

    public IReadOnlyList<EgressInfo> EgressesOf(string trackSid) => [.. LiveKit.Egresses.Where(e => e.TrackId == trackSid)];

    /// <summary>Waits until the track has an active (connected) egress whose id is not in <paramref name="except"/>.</summary>
    public async Task<EgressInfo> WaitForActiveEgressAsync(string trackSid, params string[] except)
    {
        EgressInfo? found = null;
        await Eventually.HoldsAsync(() =>
        {
            found = EgressesOf(trackSid).FirstOrDefault(e => e.Status == EgressStatus.Active && !except.Contains(e.EgressId));
            return found is not null;
        }, $"track {trackSid} has a new active egress");
        return found!;
    }

    public async Task<(LiveKitRoom Room, LiveKitParticipant Participant, LiveKitTrack Track)> PublishAsync(
        string roomName, string identity, byte[] pcm, EgressAudioScript? script = null, ParticipantKind kind = ParticipantKind.Standard)
    {
        var participant = LiveKit.AddParticipant(roomName, identity, Names.Of(identity), kind);
        var track = LiveKit.AddAudioTrack(roomName, identity, "TR_" + identity, pcm, script);
        var room = LiveKit.GetRoom(roomName);
        Assert.Equal(200, (await Webhooks.ParticipantJoinedAsync(WebhookUrl, room, participant, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await Webhooks.TrackPublishedAsync(WebhookUrl, room, participant, track, CancellationToken.None)).HttpStatus);
        return (room, participant, track);
    }

    public Task<IReadOnlyList<TranscriptSegment>> TranscriptAsync(string room) => Silo.Admin.TranscriptAsync(room, CancellationToken.None);

    public async Task<RoomSummary?> SummaryAsync(string room) => await Grains.GetGrain<IRoomGrain>(room).GetSummaryAsync();

    public ValueTask DisposeAsync() => _rig.DisposeAsync();
}
