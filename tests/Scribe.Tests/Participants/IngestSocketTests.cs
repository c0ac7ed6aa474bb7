using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Scribe.Egress;

namespace Scribe.Tests.Participants;

/// <summary>
/// The ingest socket against what a broken or hostile egress might send, over a real WebSocket: clear close
/// statuses, no crash, one socket per track, and the participant restarting egress after a bad one.
/// </summary>
public sealed class IngestSocketTests : IAsyncLifetime
{
    private readonly RecordingTrackEgress _egress = new();
    private MeetingRig _rig = null!;

    public async Task InitializeAsync() => _rig = await MeetingRig.StartAsync(new RigOptions
    {
        FakeVllm = false,
        LiveKitPace = null,
        Settings = new Dictionary<string, string?> { ["LiveKit:EgressRestartDelayMs"] = "20", ["LiveKit:PublishTranscripts"] = "false" },
        Services = services => services.AddSingleton<ITrackEgress>(_egress),
    });

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_second_socket_for_the_same_track_is_refused_with_409()
    {
        var url = await PublishAsync("second");
        using var first = await ConnectAsync(url);

        using var second = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(url, second));
        Assert.Contains("409", refused.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, first.State);
    }

    [Fact]
    public async Task A_text_frame_that_is_not_json_closes_with_invalid_payload_and_egress_restarts()
    {
        var url = await PublishAsync("garbled");
        using var socket = await ConnectAsync(url);

        await socket.SendAsync("muted: yes please"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        var close = await ReceiveCloseAsync(socket);
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, close);
        await Eventually.HoldsAsync(() => _egress.Started.Count(s => s.Room == "garbled") == 2, "the egress is restarted");
        Assert.Contains(_egress.Stopped, id => id == _egress.Started.First(s => s.Room == "garbled").EgressId);
    }

    [Fact]
    public async Task A_huge_text_frame_closes_with_message_too_big()
    {
        var url = await PublishAsync("huge");
        using var socket = await ConnectAsync(url);

        var huge = Encoding.UTF8.GetBytes("{\"muted\":true,\"pad\":\"" + new string('x', 64 * 1024) + "\"}");
        await socket.SendAsync(huge, WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await ReceiveCloseAsync(socket));
    }

    [Fact]
    public async Task Binary_garbage_is_audio_and_a_clean_close_ends_the_stream_without_a_restart()
    {
        var url = await PublishAsync("garbage");
        using var socket = await ConnectAsync(url);
        var random = new Random(7);
        foreach (var size in new[] { 1, 3, 7_681, 101, 2 })
        {
            var frame = new byte[size];
            random.NextBytes(frame);
            await socket.SendAsync(frame, WebSocketMessageType.Binary, true, CancellationToken.None);
        }

        await socket.SendAsync("{\"muted\":true}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        await socket.SendAsync("{\"muted\":false}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var participant = _rig.Grains.GetGrain<IParticipantGrain>(ParticipantKey.Of("garbage", "alice"));
        Assert.Equal(WebSocketState.Open, socket.State);

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "end of stream", CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        await Eventually.HoldsAsync(async () => (await participant.GetStatusAsync()).EgressId is null, "the finished egress is let go");
        Assert.Single(_egress.Started, s => s.Room == "garbage");
    }

    [Fact]
    public async Task Speech_heard_before_an_egress_was_lost_still_counts_after_the_restart()
    {
        var url = await PublishAsync("counted");
        var participant = _rig.Grains.GetGrain<IParticipantGrain>(ParticipantKey.Of("counted", "alice"));
        using (var lost = await ConnectAsync(url))
        {
            await SendToneAsync(lost, TimeSpan.FromSeconds(1));
            await lost.SendAsync("not json"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, await ReceiveCloseAsync(lost));
        }

        await Eventually.HoldsAsync(() => _egress.Started.Count(s => s.Room == "counted") == 2, "the egress is restarted");
        using var restarted = await ConnectAsync(_egress.Started.Last(s => s.Room == "counted").Url);
        await SendToneAsync(restarted, TimeSpan.FromMilliseconds(500));
        await restarted.CloseAsync(WebSocketCloseStatus.NormalClosure, "end of stream", CancellationToken.None);
        await Eventually.HoldsAsync(async () => (await participant.GetStatusAsync()).EgressId is null, "the finished egress is let go");

        Assert.InRange((await participant.GetStatusAsync()).Usage!.SpeechSeconds, 1.45, 1.55); // both streams' speech
    }

    /// <summary>One tone word of <paramref name="length"/> as egress audio, in 20 ms frames: speech to a level detector.</summary>
    private static async Task SendToneAsync(ClientWebSocket socket, TimeSpan length)
    {
        var word = $"a{(int)length.TotalMilliseconds / 10}";
        var audio = Meeting.Speech(word).AsMemory();
        for (var at = 0; at < audio.Length; at += 3_840)
        {
            await socket.SendAsync(audio[at..Math.Min(at + 3_840, audio.Length)], WebSocketMessageType.Binary, true, CancellationToken.None);
        }
    }

    private async Task<Uri> PublishAsync(string roomName)
    {
        var room = new LiveKitRoom { Name = roomName, Sid = "RM_" + roomName };
        var participant = new LiveKitParticipant { Identity = "alice", Sid = "PA_alice", Name = "Alice" };
        var delivery = await _rig.Webhooks.TrackPublishedAsync(_rig.Silo.WebhookUrl, room, participant, LiveKitWebhookSender.MicrophoneTrack("TR_alice"), CancellationToken.None);
        Assert.Equal(200, delivery.HttpStatus);
        await Eventually.HoldsAsync(() => _egress.Started.Any(s => s.Room == roomName), "egress is asked for");
        return _egress.Started.First(s => s.Room == roomName).Url;
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri url)
    {
        var socket = new ClientWebSocket();
        await ConnectAsync(url, socket);
        return socket;
    }

    private static async Task ConnectAsync(Uri url, ClientWebSocket socket)
    {
        using var invoker = new HttpMessageInvoker(new RawAudioHandshake());
        await socket.ConnectAsync(url, invoker, CancellationToken.None);
    }

    private static async Task<WebSocketCloseStatus?> ReceiveCloseAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return result.CloseStatus;
            }
        }
    }

    /// <summary>LiveKit egress dials with <c>Content-Type: audio/x-raw</c>, a content header the WebSocket client cannot set directly.</summary>
    private sealed class RawAudioHandshake() : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Content ??= new ByteArrayContent([]);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("audio/x-raw");
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>An egress service that records what it is asked and never dials: the test is the egress.</summary>
    private sealed class RecordingTrackEgress : ITrackEgress
    {
        private int _count;

        public ConcurrentQueue<(string Room, string TrackSid, Uri Url, string EgressId)> Started { get; } = new();

        public ConcurrentQueue<string> Stopped { get; } = new();

        public Task<string> StartAsync(string room, string trackSid, Uri websocketUrl, CancellationToken cancellationToken)
        {
            var id = $"EG_test_{Interlocked.Increment(ref _count)}";
            Started.Enqueue((room, trackSid, websocketUrl, id));
            return Task.FromResult(id);
        }

        public Task StopAsync(string egressId, CancellationToken cancellationToken)
        {
            Stopped.Enqueue(egressId);
            return Task.CompletedTask;
        }
    }
}
