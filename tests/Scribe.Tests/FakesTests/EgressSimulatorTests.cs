using System.Net.WebSockets;

namespace Scribe.Fakes.LiveKit;

/// <summary>The fake's track egress: what reaches the ingest socket, and how the egress ends.</summary>
public sealed class EgressSimulatorTests : IAsyncLifetime
{
    private const string Key = "APIfake";
    private const string Secret = "fake-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private FakeLiveKitServer _liveKit = null!;
    private EgressSocketRecorder _ingest = null!;
    private EgressClient _egress = null!;

    public async Task InitializeAsync()
    {
        _liveKit = await FakeLiveKitServer.StartAsync(Key, Secret, pace: 0);
        _ingest = await EgressSocketRecorder.StartAsync();
        _egress = new EgressClient(new HttpClient(), new LiveKitOptions { Url = _liveKit.Url.AbsoluteUri, ApiKey = Key, ApiSecret = Secret });
    }

    public async Task DisposeAsync()
    {
        await _liveKit.DisposeAsync();
        await _ingest.DisposeAsync();
    }

    /// <summary>Random bytes, so every frame of it can be found at exactly one place.</summary>
    private static byte[] Pcm(TimeSpan duration, int seed = 7)
    {
        var pcm = new byte[(int)(duration.TotalSeconds * EgressSimulator.BytesPerSecond)];
        new Random(seed).NextBytes(pcm);
        return pcm;
    }

    private async Task<(EgressInfo Started, EgressInfo Ended, RecordedEgressSocket Socket)> RunAsync(byte[] pcm, EgressAudioScript? script = null, string id = "p1")
    {
        using var timeout = new CancellationTokenSource(Patience);
        _liveKit.AddParticipant("standup", "alice", "Alice");
        var track = _liveKit.AddAudioTrack("standup", "alice", "TR_" + id, pcm, script);
        var started = await _egress.StartTrackEgressAsync("standup", track.Sid, _ingest.UrlFor(id), timeout.Token);
        var ended = await _liveKit.WaitForEgressEndAsync(started.EgressId, timeout.Token);
        var socket = _ingest.SocketFor(id);
        await socket.WaitForEndAsync(timeout.Token);
        return (started, ended, socket);
    }

    [Fact]
    public async Task The_track_arrives_as_unaligned_binary_frames_that_reassemble_exactly_into_the_source_pcm()
    {
        var pcm = Pcm(TimeSpan.FromSeconds(1.5));
        var statuses = new List<EgressStatus>();
        _liveKit.EgressChanged += info => { lock (statuses) { statuses.Add(info.Status); } };

        var (started, ended, socket) = await RunAsync(pcm);

        Assert.StartsWith("EG_", started.EgressId, StringComparison.Ordinal);
        Assert.Equal(EgressStatus.Starting, started.Status);
        Assert.Equal(EgressStatus.Complete, ended.Status);
        Assert.Equal([EgressStatus.Active, EgressStatus.Complete], statuses);
        Assert.Equal("", ended.Error);
        Assert.True(ended.EndedAt >= ended.StartedAt && ended.StartedAt > 0);
        Assert.Equal("audio/x-raw", socket.ContentType);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        Assert.All(socket.Messages, m => Assert.False(m.IsText));
        Assert.Equal(pcm, socket.Audio);

        var sizes = socket.Messages.Select(m => m.Data.Length).ToList();
        Assert.True(sizes.Count > 20, $"only {sizes.Count} frames");
        Assert.True(sizes.Distinct().Count() > sizes.Count / 2, "frame sizes should vary");
        // Only the last frame, cut by the end of the audio, may happen to hold whole samples.
        Assert.All(sizes.SkipLast(1), size => Assert.NotEqual(0, size % 4));
        Assert.Contains(sizes, size => size % 2 == 1);
    }

    [Fact]
    public async Task An_egress_of_a_live_track_joins_it_where_it_is_on_a_whole_sample_and_sends_the_rest_exactly()
    {
        _liveKit.Pace = 4;
        var pcm = Pcm(TimeSpan.FromSeconds(16));
        _liveKit.AddParticipant("standup", "alice", "Alice");
        var track = _liveKit.AddAudioTrack("standup", "alice", "TR_live", pcm, new EgressAudioScript { Live = true });
        // The track plays on before anyone listens: a second of media at four times real time.
        await Task.Delay(TimeSpan.FromMilliseconds(250));

        using var timeout = new CancellationTokenSource(Patience);
        var started = await _egress.StartTrackEgressAsync("standup", track.Sid, _ingest.UrlFor("live"), timeout.Token);
        Assert.Equal(EgressStatus.Complete, (await _liveKit.WaitForEgressEndAsync(started.EgressId, timeout.Token)).Status);
        var socket = _ingest.SocketFor("live");
        await socket.WaitForEndAsync(timeout.Token);

        var joinedAt = _liveKit.MediaStartOf(started.EgressId);
        var offset = (int)Math.Round(joinedAt.TotalSeconds * EgressSimulator.BytesPerSecond);
        // Joined a second or more in (where the track is), and before its end however slow the machine (4 s of real time).
        Assert.InRange(joinedAt, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
        Assert.Equal(0, offset % 4);
        Assert.Equal(pcm.AsSpan(offset).ToArray(), socket.Audio);
    }

    [Fact]
    public async Task The_returned_info_redacts_the_websocket_token_and_lists_by_room_and_activity()
    {
        var (started, _, _) = await RunAsync(Pcm(TimeSpan.FromSeconds(0.2)));

        Assert.Equal($"ws://{_ingest.BaseUrl.Authority}/ingest/p1?token={{...}}", started.WebsocketUrl);
        Assert.DoesNotContain(_ingest.Token, started.WebsocketUrl, StringComparison.Ordinal);
        Assert.Equal("TR_p1", started.TrackId);
        Assert.Equal("standup", started.RoomName);
        Assert.StartsWith("RM_", started.RoomId, StringComparison.Ordinal);

        var all = await _egress.ListEgressAsync("standup", null, activeOnly: false, CancellationToken.None);
        Assert.Equal(EgressStatus.Complete, Assert.Single(all).Status);
        Assert.Empty(await _egress.ListEgressAsync("standup", null, activeOnly: true, CancellationToken.None));
        Assert.Empty(await _egress.ListEgressAsync("another-room", null, activeOnly: false, CancellationToken.None));
        Assert.Single(await _egress.ListEgressAsync(null, started.EgressId, activeOnly: false, CancellationToken.None));
    }

    [Fact]
    public async Task A_muted_stretch_is_announced_by_text_frames_and_its_audio_is_not_sent()
    {
        var pcm = Pcm(TimeSpan.FromSeconds(1));
        var script = new EgressAudioScript { Mutes = [new MuteSpan(TimeSpan.FromSeconds(0.25), TimeSpan.FromSeconds(0.5))] };

        var (_, ended, socket) = await RunAsync(pcm, script);

        Assert.Equal(EgressStatus.Complete, ended.Status);
        var texts = socket.Messages.Select((m, i) => (m, i)).Where(x => x.m.IsText).ToList();
        Assert.Equal(["{\"muted\":true}", "{\"muted\":false}"], texts.Select(t => t.m.Text));
        Assert.Equal(texts[0].i + 1, texts[1].i);
        var muteStart = EgressSimulator.BytesPerSecond / 4;
        var muteEnd = EgressSimulator.BytesPerSecond / 2;
        var before = socket.Messages.Take(texts[0].i).SelectMany(m => m.Data).ToArray();
        var after = socket.Messages.Skip(texts[1].i + 1).SelectMany(m => m.Data).ToArray();
        Assert.Equal(pcm[..muteStart], before);
        Assert.Equal(pcm[muteEnd..], after);
    }

    [Fact]
    public async Task Scripted_faults_drop_duplicate_and_swap_frames()
    {
        var pcm = Pcm(TimeSpan.FromSeconds(1));
        var script = new EgressAudioScript
        {
            DropFrames = new HashSet<int> { 2 },
            DuplicateFrames = new HashSet<int> { 3 },
            SwapFrames = [new FrameSwap(5, 2)],
        };

        var (_, ended, socket) = await RunAsync(pcm, script);

        Assert.Equal(EgressStatus.Complete, ended.Status);
        var frames = socket.Messages.Select(m => m.Data).ToList();
        var at = frames.Select(f => pcm.AsSpan().IndexOf(f)).ToList();
        Assert.All(at, offset => Assert.True(offset >= 0));
        // Sent order by original frame: 0, 1, 3, 3, 4, 7, 6, 5, 8 …
        Assert.Equal(0, at[0]);
        Assert.Equal(frames[0].Length, at[1]);
        Assert.True(at[2] > at[1] + frames[1].Length, "frame 2 should be missing");
        Assert.Equal(at[2], at[3]);
        Assert.Equal(at[3] + frames[3].Length, at[4]);
        Assert.Equal(at[4] + frames[4].Length, at[7]);
        Assert.Equal(at[7] + frames[7].Length, at[6]);
        Assert.Equal(at[6] + frames[6].Length, at[5]);
        Assert.Equal(at[5] + frames[5].Length, at[8]);
    }

    [Fact]
    public async Task Stop_egress_ends_the_stream_early_with_a_normal_close()
    {
        _liveKit.Pace = 1;
        var pcm = Pcm(TimeSpan.FromSeconds(20));
        using var timeout = new CancellationTokenSource(Patience);
        var track = _liveKit.AddAudioTrack("standup", "bob", "TR_stop", pcm);
        var started = await _egress.StartTrackEgressAsync("standup", track.Sid, _ingest.UrlFor("stop"), timeout.Token);
        var socket = _ingest.SocketFor("stop");
        await Eventually.HoldsAsync(() => socket.Messages.Count >= 3, "three messages are streamed", Patience);

        Assert.Equal(EgressStatus.Active, _liveKit.GetEgress(started.EgressId).Status);
        var stopping = await _egress.StopEgressAsync(started.EgressId, timeout.Token);
        var ended = await _liveKit.WaitForEgressEndAsync(started.EgressId, timeout.Token);
        await socket.WaitForEndAsync(timeout.Token);

        Assert.Equal(EgressStatus.Ending, stopping.Status);
        Assert.Equal(EgressStatus.Complete, ended.Status);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);
        var audio = socket.Audio;
        Assert.InRange(audio.Length, 1, pcm.Length / 2);
        Assert.Equal(pcm[..audio.Length], audio);

        var again = await Assert.ThrowsAsync<TwirpException>(() => _egress.StopEgressAsync(started.EgressId, timeout.Token));
        Assert.Equal("failed_precondition", again.Code);
    }

    [Fact]
    public async Task A_killed_egress_aborts_the_socket_without_a_close_and_fails()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var track = _liveKit.AddAudioTrack("standup", "carol", "TR_kill", Pcm(TimeSpan.FromSeconds(0.3)), new EgressAudioScript { StayOpenAfterAudio = true });
        var started = await _egress.StartTrackEgressAsync("standup", track.Sid, _ingest.UrlFor("kill"), timeout.Token);
        var socket = _ingest.SocketFor("kill");
        await Eventually.HoldsAsync(
            () => _liveKit.GetEgress(started.EgressId).Status == EgressStatus.Active && socket.Messages.Count > 0, "the egress is active and streaming", Patience);

        _liveKit.KillEgress(started.EgressId);
        var ended = await _liveKit.WaitForEgressEndAsync(started.EgressId, timeout.Token);
        await socket.WaitForEndAsync(timeout.Token);

        Assert.Equal(EgressStatus.Failed, ended.Status);
        Assert.NotEqual("", ended.Error);
        Assert.Null(socket.CloseStatus);
    }

    [Fact]
    public async Task An_egress_whose_socket_is_refused_fails_with_the_reason()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var track = _liveKit.AddAudioTrack("standup", "dave", "TR_refused", Pcm(TimeSpan.FromSeconds(0.2)));
        var started = await _egress.StartTrackEgressAsync("standup", track.Sid, _ingest.UrlFor("refused", token: "wrong"), timeout.Token);

        var ended = await _liveKit.WaitForEgressEndAsync(started.EgressId, timeout.Token);

        Assert.Equal(EgressStatus.Failed, ended.Status);
        Assert.Contains("401", ended.Error, StringComparison.Ordinal);
        Assert.Empty(_ingest.SocketFor("refused").Messages);
    }

    [Fact]
    public async Task Unpublishing_a_track_ends_its_egress_normally()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var track = _liveKit.AddAudioTrack("standup", "erin", "TR_unpub", Pcm(TimeSpan.FromSeconds(0.2)), new EgressAudioScript { StayOpenAfterAudio = true });
        var started = await _egress.StartTrackEgressAsync("standup", track.Sid, _ingest.UrlFor("unpub"), timeout.Token);
        await Eventually.HoldsAsync(() => _liveKit.GetEgress(started.EgressId).Status == EgressStatus.Active, "the egress is active", Patience);

        var changes = new List<EgressStatus>();
        _liveKit.EgressChanged += info => { lock (changes) { changes.Add(info.Status); } };
        _liveKit.UnpublishTrack("standup", track.Sid);
        var ended = await _liveKit.WaitForEgressEndAsync(started.EgressId, timeout.Token);

        Assert.Equal(EgressStatus.Complete, ended.Status);
        Assert.Contains(EgressStatus.Complete, changes);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, _ingest.SocketFor("unpub").CloseStatus);
    }

    [Fact]
    public async Task Real_time_pace_takes_about_as_long_as_the_audio()
    {
        _liveKit.Pace = 4;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (_, ended, socket) = await RunAsync(Pcm(TimeSpan.FromSeconds(2)), id: "paced");
        watch.Stop();

        Assert.Equal(EgressStatus.Complete, ended.Status);
        Assert.Equal(2 * EgressSimulator.BytesPerSecond, socket.Audio.Length);
        // Two seconds of audio at four times real time: half a second, give or take scheduling.
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(10));
    }
}
