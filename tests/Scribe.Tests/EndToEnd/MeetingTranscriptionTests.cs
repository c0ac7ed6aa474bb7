using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;

namespace Scribe.Tests.EndToEnd;

/// <summary>
/// The whole path over real sockets: signed webhooks → room and participant grains → StartTrackEgress on a fake
/// LiveKit that streams egress-format audio to our ingest → downmix and resampling → realtime sessions on a
/// strict fake vLLM → the room transcript read back through the admin API.
/// </summary>
public sealed class MeetingTranscriptionTests() : RigTest(new RigOptions { MaxSessions = 16 })
{
    private readonly HttpClient _http = new();

    private TestSilo Silo => Rig.Silo;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // As a real engine: an empty delta per 80 ms step (the fake's default), and now and then a failed generation.
        Rig.Vllm.FailEveryNthGeneration = 4;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task A_three_speaker_meeting_becomes_one_exact_transcript_ordered_by_speech_start()
    {
        var sentences = ToneSpeech.RandomSentences(6, seed: 42);
        string[] order = ["alice", "bob", "carol", "bob", "alice", "carol"];
        var meeting = new Meeting([.. order.Zip(sentences)]);

        await RunMeetingAsync("standup", meeting);
        var transcript = await WaitForFinalsAsync("standup", meeting.Turns.Count);

        Assert.Empty(Rig.Vllm.Violations);
        Assert.Equal(meeting.Turns.Select(t => (t.Speaker, t.Sentence)), transcript.Select(s => (s.Speaker, s.Text)));
        Assert.Equal(transcript.Select(s => s.StartMs).Order(), transcript.Select(s => s.StartMs));
        Assert.All(transcript, s => Assert.Equal("gpu-1", s.Endpoint));
        Assert.Equal(3, Rig.LiveKit.Egresses.Count);
        Assert.All(Rig.LiveKit.Egresses, e => Assert.Equal("standup", e.RoomName));

        // The room API counts what the meeting cost: speech, audio sent in generations, session time.
        var speechSeconds = meeting.Turns.Sum(t => Meeting.DurationMs(t.Sentence)) / 1000.0;
        var room = await Eventually.ReturnsAsync(
            () => Silo.Admin.GetFromJsonAsync<JsonElement>(new Uri("/api/rooms/standup", UriKind.Relative)),
            r => r.GetProperty("usage").GetProperty("generationSeconds").GetDouble() >= speechSeconds,
            "the room's generation time covers the speech");

        var usage = room.GetProperty("usage");
        var speech = usage.GetProperty("speechSeconds").GetDouble();
        var generation = usage.GetProperty("generationSeconds").GetDouble();
        Assert.True(speech >= speechSeconds * 0.9 && speech <= speechSeconds * 1.5, $"speech {speech:F2} s for {speechSeconds:F2} s said: {room}");
        Assert.True(generation >= speechSeconds && generation <= speechSeconds * 2.5, $"generation {generation:F2} s for {speechSeconds:F2} s said: {room}");
        Assert.Equal(3, room.GetProperty("speakerStatus").GetArrayLength());
        Assert.All(room.GetProperty("speakerStatus").EnumerateArray(), s => Assert.True(s.GetProperty("usage").GetProperty("speechSeconds").GetDouble() > 0));
    }

    public enum Fault { Drop, Duplicate, Swap }

    /// <summary>The test above must notice lost, repeated or reordered audio: inject each and see the words change.</summary>
    [Theory]
    [InlineData(Fault.Drop)]
    [InlineData(Fault.Duplicate)]
    [InlineData(Fault.Swap)]
    public async Task Audio_lost_repeated_or_reordered_on_the_way_changes_the_transcript(Fault fault)
    {
        const string sentence = "a20 e20 h20";
        const int frameBytes = 3_840; // 20 ms, sample-aligned so the fault is exactly one frame of audio
        var meeting = new Meeting([("alice", sentence)], leadMs: 600);
        var inFirstWord = (600 + 60) * EgressSimulator.BytesPerMs / frameBytes;          // a frame well inside "a20"
        var inSecondWord = (600 + 200 + ToneSpeech.WordGapMs + 60) * EgressSimulator.BytesPerMs / frameBytes; // inside "e20"
        var script = new EgressAudioScript
        {
            MinFrameBytes = frameBytes,
            MaxFrameBytes = frameBytes,
            DropFrames = fault == Fault.Drop ? new HashSet<int> { inFirstWord } : new HashSet<int>(),
            DuplicateFrames = fault == Fault.Duplicate ? new HashSet<int> { inFirstWord } : new HashSet<int>(),
            SwapFrames = fault == Fault.Swap ? [new FrameSwap(inFirstWord, inSecondWord - inFirstWord)] : [],
        };

        await RunMeetingAsync("faulty", meeting, script);
        var transcript = await WaitForFinalsAsync("faulty", 1);

        var words = Assert.Single(transcript).Text.Split(' ');
        Assert.Equal(3, words.Length);
        Assert.Equal("h20", words[2]);
        switch (fault)
        {
            case Fault.Drop: Assert.Equal(["a18", "e20"], words[..2]); break;       // 20 ms of "a" missing
            case Fault.Duplicate: Assert.Equal(["a22", "e20"], words[..2]); break;  // 20 ms of "a" twice
            case Fault.Swap:                                             // a slice of "e" inside "a" and back
                Assert.StartsWith("?", words[0], StringComparison.Ordinal);
                Assert.StartsWith("?", words[1], StringComparison.Ordinal);
                break;
        }
    }

    [Fact]
    public async Task A_forged_webhook_is_refused_and_changes_nothing()
    {
        var forger = new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, "not-the-secret-at-all-not-the-secret");
        var room = new LiveKitRoom { Name = "forged", Sid = "RM_forged" };

        var forged = await forger.RoomStartedAsync(Silo.WebhookUrl, room, CancellationToken.None);
        var unsigned = await Rig.Webhooks.PostAsync(Silo.WebhookUrl, """{"event":"room_started","room":{"name":"forged"}}"""u8.ToArray(), null, CancellationToken.None);

        Assert.Equal(401, forged.HttpStatus);
        Assert.Equal(401, unsigned.HttpStatus);
        Assert.Equal(HttpStatusCode.NotFound, (await Silo.Admin.GetAsync(new Uri("/api/rooms/forged", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Ingest_without_a_valid_token_is_refused()
    {
        foreach (var query in new[] { "", "?token=", "?token=abc.def", "?token=" + new string('A', 40) + "." + new string('B', 43) })
        {
            using var socket = new ClientWebSocket();
            var url = new Uri(Silo.Url.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "ingest/TR_x" + query);
            var failure = await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, CancellationToken.None));
            Assert.Contains("401", failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_admin_api_refuses_calls_without_the_key()
    {
        using var anonymous = new HttpClient { BaseAddress = Silo.Url };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/rooms/any/transcript", UriKind.Relative))).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/rooms/any/transcript", UriKind.Relative));
        wrong.Headers.Authorization = new("Bearer", "wrong-key-wrong-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await Silo.Admin.GetAsync(new Uri("/api/rooms/any/transcript", UriKind.Relative))).StatusCode);
    }

    private async Task RunMeetingAsync(string roomName, Meeting meeting, EgressAudioScript? script = null)
    {
        var tracks = await Rig.PublishAsync(roomName, meeting.Tracks, script);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Rig.LiveKit.WaitForEgressesAsync(tracks, timeout.Token);
    }

    private async Task<IReadOnlyList<TranscriptSegment>> WaitForFinalsAsync(string room, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await Silo.WaitForFinalsAsync(room, count, timeout.Token);
    }
}
