using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
using Scribe.LiveKit;
using Scribe.Participants;
using Scribe.Tests.Cluster;

namespace Scribe.Tests.LiveKit;

/// <summary>
/// A silo wired to a fake LiveKit (Twirp with grant checks, an egress simulator that dials our ingest) and a strict
/// fake vLLM, plus the helpers lifecycle tests share. Tests wait on observable state (Twirp calls the fake received,
/// egress status, grain status), never on sleeps.
/// </summary>
public sealed class LiveKitRoomHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http = new();

    private LiveKitRoomHarness(FakeVllmServer vllm, FakeLiveKitServer liveKit, TestSilo silo)
    {
        Vllm = vllm;
        LiveKit = liveKit;
        Silo = silo;
        Webhooks = new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
    }

    public FakeVllmServer Vllm { get; }

    public FakeLiveKitServer LiveKit { get; }

    public TestSilo Silo { get; }

    public LiveKitWebhookSender Webhooks { get; }

    public Uri WebhookUrl => Silo.WebhookUrl;

    public static async Task<LiveKitRoomHarness> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null, double pace = 4.0, Action<IServiceCollection>? services = null)
    {
        var vllm = await FakeVllmServer.StartAsync();
        var liveKit = await FakeLiveKitServer.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, pace: pace);
        var all = new Dictionary<string, string?>
        {
            ["LiveKit:Url"] = liveKit.Url.ToString(),
            ["LiveKit:EgressRestartDelayMs"] = "50",
            ["LiveKit:TranscriptInterimIntervalMs"] = "50",
            ["Inference:Endpoints:0:Name"] = "gpu-1",
            ["Inference:Endpoints:0:Url"] = vllm.RealtimeUrl.ToString(),
            ["Inference:Endpoints:0:Model"] = vllm.Model,
            ["Inference:Endpoints:0:MaxSessions"] = "16",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var silo = await TestSilo.StartAsync(all, services);
        return new LiveKitRoomHarness(vllm, liveKit, silo);
    }

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    public IParticipantGrain Participant(string room, string identity) => Grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(room, identity));

    public Task<SpeakerStatus> StatusAsync(string room, string identity) => Participant(room, identity).GetStatusAsync();

    /// <summary>Two seconds of silence, streamed and then held open, as a published but quiet microphone.</summary>
    public static readonly EgressAudioScript QuietAndOpen = new() { StayOpenAfterAudio = true };

    public static byte[] Silence(int ms) => new byte[ms * 48 * 4];

    public int StartRequests(string trackSid) =>
        LiveKit.Requests.Count(r => r.Method == "StartTrackEgress" && r.Body.Contains($"\"{trackSid}\"", StringComparison.Ordinal));

    public int StopRequests(string egressId) =>
        LiveKit.Requests.Count(r => r.Method == "StopEgress" && r.Body.Contains($"\"{egressId}\"", StringComparison.Ordinal));

    public IReadOnlyList<EgressInfo> EgressesOf(string trackSid) => [.. LiveKit.Egresses.Where(e => e.TrackId == trackSid)];

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Waits until the track has an active (connected) egress whose id is not in <paramref name="except"/>.</summary>
    public async Task<EgressInfo> WaitForActiveEgressAsync(string trackSid, params string[] except)
    {
        EgressInfo? found = null;
        await WaitUntilAsync(() =>
        {
            found = EgressesOf(trackSid).FirstOrDefault(e => e.Status == EgressStatus.Active && !except.Contains(e.EgressId));
            return found is not null;
        }, $"track {trackSid} has a new active egress");
        return found!;
    }

    public async Task<(LiveKitRoom Room, LiveKitParticipant Participant, LiveKitTrack Track)> PublishAsync(
        string roomName, string identity, byte[] pcm, EgressAudioScript? script = null, ParticipantKind kind = ParticipantKind.Standard)
    {
        var participant = LiveKit.AddParticipant(roomName, identity, char.ToUpperInvariant(identity[0]) + identity[1..], kind);
        var track = LiveKit.AddAudioTrack(roomName, identity, "TR_" + identity, pcm, script);
        var room = LiveKit.GetRoom(roomName);
        Assert.Equal(200, (await Webhooks.ParticipantJoinedAsync(WebhookUrl, room, participant, CancellationToken.None)).HttpStatus);
        Assert.Equal(200, (await Webhooks.TrackPublishedAsync(WebhookUrl, room, participant, track, CancellationToken.None)).HttpStatus);
        return (room, participant, track);
    }

    public async Task<IReadOnlyList<TranscriptSegment>> TranscriptAsync(string room)
    {
        var response = await Silo.Admin.GetAsync(new Uri($"/api/rooms/{room}/transcript", UriKind.Relative));
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        var body = await response.Content.ReadFromJsonAsync<TranscriptResponse>(JsonSerializerOptions.Web);
        return body!.Segments;
    }

    public async Task<RoomSummary?> SummaryAsync(string room) => await Grains.GetGrain<IRoomGrain>(room).GetSummaryAsync();

    public async ValueTask DisposeAsync()
    {
        await Silo.DisposeAsync();
        await LiveKit.DisposeAsync();
        await Vllm.DisposeAsync();
        _http.Dispose();
    }

    private sealed record TranscriptResponse(string Room, long Revision, IReadOnlyList<TranscriptSegment> Segments);
}
