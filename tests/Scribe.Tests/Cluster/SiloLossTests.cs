using System.Diagnostics;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
using Scribe.LiveKit;
using Scribe.Tests.EndToEnd;
using Xunit.Abstractions;

namespace Scribe.Tests.Cluster;

/// <summary>
/// Three silo processes on Redis carry a three-room meeting of live tracks; one is killed (SIGKILL: no goodbye to
/// the cluster). Membership declares it dead, a survivor resumes its speakers, and they are transcribed again on
/// live silos: every final acknowledged before the death is kept, and every sentence whose audio reached a live
/// silo is transcribed exactly.
/// </summary>
public sealed class SiloLossTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);
    private const int GapMs = 900;
    private static readonly string[] Rooms = ["north", "south", "east"];
    private static readonly string[] Identities = ["ann", "ben"];

    private readonly HttpClient _http = new();
    private readonly List<SiloProcess> _silos = [];
    private readonly List<SiloProcess> _alive = [];
    private readonly Lock _gate = new();
    private RedisServer _redis = null!;
    private FakeVllmServer _vllm = null!;
    private FakeLiveKitServer _liveKit = null!;
    private LiveKitWebhookSender _webhooks = null!;
    private int _next;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _vllm = await FakeVllmServer.StartAsync();
        // Real time: the live tracks play on while a silo is dead, as a meeting would.
        _liveKit = await FakeLiveKitServer.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, pace: 1.0);
        _webhooks = new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
        var clusterId = "silo-loss-" + Guid.NewGuid().ToString("N")[..8];
        // Membership on its defaults (Cluster:ProbeTimeoutMs, Cluster:MissedProbesLimit): what a deployment gets.
        var settings = new Dictionary<string, string?>
        {
            ["Cluster:Provider"] = "Redis",
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:AdvertisedIp"] = "127.0.0.1",
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["LiveKit:Url"] = _liveKit.Url.ToString(),
            ["LiveKit:PublishTranscripts"] = "false",
            ["Inference:Endpoints:0:Name"] = "gpu-1",
            ["Inference:Endpoints:0:Url"] = _vllm.RealtimeUrl.ToString(),
            ["Inference:Endpoints:0:Model"] = _vllm.Model,
            ["Inference:Endpoints:0:MaxSessions"] = "64",
        };
        _silos.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SiloProcess.StartAsync(settings, CancellationToken.None))));
        _alive.AddRange(_silos);

    }

    public async Task DisposeAsync()
    {
        foreach (var silo in Alive) output.WriteLine($"--- log of silo {silo.Url}\n{silo.Log}");
        await _liveKit.DisposeAsync();
        foreach (var silo in _silos) await silo.DisposeAsync();
        await _vllm.DisposeAsync();
        await _redis.DisposeAsync();
        _http.Dispose();
    }

    private List<SiloProcess> Alive
    {
        get { lock (_gate) return [.. _alive]; }
    }

    private Uri AnySilo()
    {
        var alive = Alive;
        return alive[Interlocked.Increment(ref _next) % alive.Count].WebhookUrl;
    }

    /// <param name="egressWebhooks">Whether LiveKit reports the egresses that failed with the silo. When it does not
    /// (a webhook lost, a network partition rather than a reset), membership and <c>SpeakerRecovery</c> alone bring
    /// the speakers back.</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Killing_one_of_three_silos_keeps_every_acknowledged_final_and_its_speakers_are_back_within_ten_seconds(bool egressWebhooks)
    {
        if (egressWebhooks)
        {
            // LiveKit posts egress webhooks to one URL; behind it, a load balancer picks a live silo.
            _liveKit.SendWebhooks(_webhooks, AnySilo);
        }

        // Three rooms of two speakers who talk over each other: each track is a run of sentences with pauses.
        var speakers = Rooms
            .SelectMany(room => Identities.Select(identity => new Speaker(room, identity)))
            .ToList();
        var sentences = ToneSpeech.RandomSentences(speakers.Count * 14, seed: 4242);
        for (var s = 0; s < speakers.Count; s++)
        {
            speakers[s].Lay(sentences.Skip(s * 14).Take(14).ToList(), leadMs: 600, gapMs: GapMs);
        }

        var live = new EgressAudioScript { Live = true };
        foreach (var room in speakers.GroupBy(s => s.Room))
        {
            Assert.Equal(200, (await _webhooks.RoomStartedAsync(AnySilo(), new LiveKitRoom { Name = room.Key, Sid = "RM_" + room.Key }, CancellationToken.None)).HttpStatus);
            foreach (var speaker in room)
            {
                var participant = _liveKit.AddParticipant(speaker.Room, speaker.Identity, speaker.Identity);
                var track = _liveKit.AddAudioTrack(speaker.Room, speaker.Identity, speaker.TrackSid, speaker.Pcm, live);
                Assert.Equal(200, (await _webhooks.TrackPublishedAsync(AnySilo(), _liveKit.GetRoom(speaker.Room), participant, track, CancellationToken.None)).HttpStatus);
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var clock = Stopwatch.StartNew();
        // Let the meeting run until every room has acknowledged finals, then kill the silo taking the most audio.
        while (true)
        {
            var finals = 0;
            foreach (var room in speakers.Select(s => s.Room).Distinct())
            {
                finals += (await _silos[0].Admin.TranscriptAsync(room, timeout.Token)).Count(s => s.IsFinal);
            }

            if (finals >= 12 && clock.Elapsed > TimeSpan.FromSeconds(6)) break;
            await Task.Delay(200, timeout.Token);
        }

        var victim = Alive.MaxBy(silo => _liveKit.Egresses.Count(e => e.Status == EgressStatus.Active && Dials(silo, e)))!;
        var affected = speakers.Where(s => _liveKit.Egresses.Any(e => e.TrackId == s.TrackSid && e.Status == EgressStatus.Active && Dials(victim, e))).ToList();
        Assert.NotEmpty(affected);
        lock (_gate) _alive.Remove(victim);
        var reader = Alive[0].Admin;
        var acknowledged = new List<TranscriptSegment>();
        foreach (var room in speakers.Select(s => s.Room).Distinct())
        {
            acknowledged.AddRange((await reader.TranscriptAsync(room, timeout.Token)).Where(s => s.IsFinal));
        }

        var epochsAtKill = affected.ToDictionary(s => s, s => acknowledged.Where(a => a.Speaker == s.Identity && a.Room == s.Room).Select(Epoch).DefaultIfEmpty(1).Max());
        var killedAt = clock.Elapsed;
        var killedAtUnixNanos = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        victim.Kill();
        output.WriteLine($"killed silo {victim.Url} at {killedAt.TotalSeconds:F1} s; affected: {string.Join(", ", affected)}; {acknowledged.Count} finals acknowledged");

        // Each affected speaker is heard again: a segment of a newer stream (epoch) reaches the room.
        var back = new Dictionary<Speaker, TimeSpan>();
        while (back.Count < affected.Count)
        {
            foreach (var speaker in affected.Where(s => !back.ContainsKey(s)))
            {
                var segments = await reader.TranscriptAsync(speaker.Room, timeout.Token);
                if (segments.Any(x => x.Speaker == speaker.Identity && Epoch(x) > epochsAtKill[speaker]))
                {
                    back[speaker] = clock.Elapsed - killedAt;
                }
            }

            await Task.Delay(100, timeout.Token);
        }

        foreach (var (speaker, after) in back)
        {
            var egress = _liveKit.Egresses.Single(e => e.TrackId == speaker.TrackSid && e.StartedAt > killedAtUnixNanos);
            output.WriteLine($"{speaker}: new egress connected {(egress.StartedAt - killedAtUnixNanos) / 1e9:F2} s after the kill, " +
                $"from media {_liveKit.MediaStartOf(egress.EgressId).TotalSeconds:F2} s; transcribed again after {after.TotalSeconds:F2} s");
            Assert.True(after <= Recovery, $"{speaker} was transcribed again only {after.TotalSeconds:F1} s after the kill");
        }

        // Let every track play out, then read the rooms.
        foreach (var speaker in speakers)
        {
            var last = _liveKit.Egresses.Where(e => e.TrackId == speaker.TrackSid).MaxBy(e => e.StartedAt)!;
            Assert.Equal(EgressStatus.Complete, (await _liveKit.WaitForEgressEndAsync(last.EgressId, timeout.Token)).Status);
        }

        foreach (var room in speakers.GroupBy(s => s.Room))
        {
            var transcript = await reader.WaitForFinalsAsync(room.Key, 1, timeout.Token);
            await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);
            transcript = await reader.WaitForFinalsAsync(room.Key, transcript.Count, timeout.Token);

            // Ordered by when speech started, every segment once.
            Assert.Equal(transcript.OrderBy(s => s.StartMs).Select(s => s.Id), transcript.Select(s => s.Id));
            Assert.Equal(transcript.Count, transcript.Select(s => s.Id).Distinct().Count());

            // Every final acknowledged before the kill is still there, word for word.
            foreach (var kept in acknowledged.Where(a => a.Room == room.Key))
            {
                Assert.Contains(transcript, s => s.Id == kept.Id && s.Text == kept.Text && s.StartMs == kept.StartMs);
            }

            foreach (var speaker in room)
            {
                var said = transcript.Where(s => s.Speaker == speaker.Identity).Select(s => s.Text).ToList();
                var heard = speaker.SentencesHeard(affected.Contains(speaker) ? _liveKit.MediaStartOf(LastEgress(speaker).EgressId) : TimeSpan.Zero);
                // Exact wherever the audio reached a live silo; around the death, a sentence may be cut or missing.
                var missing = heard.Where(sentence => !said.Contains(sentence)).ToList();
                Assert.True(missing.Count == 0, $"{speaker}: {missing.Count} sentences heard but not transcribed: {string.Join(" | ", missing)}; transcribed: {string.Join(" | ", said)}");
                Assert.True(said.Count <= speaker.Sentences.Count + 1, $"{speaker}: {said.Count} segments for {speaker.Sentences.Count} sentences");
                Assert.All(said.GroupBy(t => t), g => Assert.Single(g));
            }
        }

        Assert.Empty(_vllm.Violations);
    }

    private EgressInfo LastEgress(Speaker speaker) => _liveKit.Egresses.Where(e => e.TrackId == speaker.TrackSid).MaxBy(e => e.StartedAt)!;

    private static bool Dials(SiloProcess silo, EgressInfo egress) => new Uri(egress.WebsocketUrl.Split('?')[0]).Port == silo.Url.Port;

    /// <summary>Segment ids are <c>{identity}:{track}:{epoch}.{generation}</c>; the epoch counts the speaker's streams.</summary>
    private static int Epoch(TranscriptSegment segment) => int.Parse(segment.Id.Split(':')[^1].Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    private sealed class Speaker(string room, string identity)
    {
        private const int BytesPerMs = 48 * 4;
        private readonly List<(string Text, int StartMs, int EndMs)> _layout = [];

        public string Room { get; } = room;
        public string Identity { get; } = identity;
        public string TrackSid => $"TR_{Room}_{Identity}";
        public byte[] Pcm { get; private set; } = [];
        public IReadOnlyList<string> Sentences => [.. _layout.Select(l => l.Text)];

        /// <summary>Lays the sentences on one track: lead silence, then each sentence followed by a pause.</summary>
        public void Lay(IReadOnlyList<string> sentences, int leadMs, int gapMs)
        {
            var audio = sentences.Select(s => ToneSpeech.SynthesizeEgress([s], leadingSilenceMs: 0)[..(Meeting.DurationMs(s) * BytesPerMs)]).ToList();
            var cursor = leadMs;
            foreach (var (sentence, pcm) in sentences.Zip(audio))
            {
                _layout.Add((sentence, cursor, cursor + pcm.Length / BytesPerMs));
                cursor += pcm.Length / BytesPerMs + gapMs;
            }

            Pcm = new byte[(cursor + gapMs) * BytesPerMs];
            for (var i = 0; i < audio.Count; i++)
            {
                audio[i].CopyTo(Pcm.AsSpan(_layout[i].StartMs * BytesPerMs));
            }
        }

        /// <summary>The sentences a live silo received whole: those after <paramref name="resumedAt"/>, or all when it is zero.</summary>
        public IReadOnlyList<string> SentencesHeard(TimeSpan resumedAt) =>
            [.. _layout.Where(l => resumedAt == TimeSpan.Zero || l.StartMs >= resumedAt.TotalMilliseconds).Select(l => l.Text)];

        public override string ToString() => $"{Room}/{Identity}";
    }
}
