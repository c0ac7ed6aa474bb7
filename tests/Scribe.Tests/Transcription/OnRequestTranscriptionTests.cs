using System.Diagnostics;
using Scribe.Captions;

namespace Scribe.Tests.Transcription;

/// <summary>
/// <c>Transcription:Activation=OnRequest</c> through the real routes, a fake LiveKit whose tracks play live (at real
/// speed) and the strict fake vLLM: people talk untranscribed until a start, are transcribed within seconds of it,
/// and a stop ends each stream at the speaker's next pause with the last utterance whole.
/// </summary>
public sealed class OnRequestTranscriptionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan FirstWordsWithin = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan EgressesEndWithin = TimeSpan.FromSeconds(8);

    private LiveKitRoomHarness _h = null!;

    public async Task InitializeAsync() =>
        _h = await LiveKitRoomHarness.StartAsync(new Dictionary<string, string?> { ["Transcription:Activation"] = "OnRequest" }, pace: 1.0);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Speakers_are_transcribed_only_between_a_start_and_a_stop_and_the_last_utterance_is_whole()
    {
        const string room = "on-request";
        string[] names = ["alice", "bob"];
        var script = new ScriptedSpeakers(16, seed: 7);
        var live = new EgressAudioScript { Live = true };
        var tracks = names.Select((name, voice) =>
        {
            _h.LiveKit.AddParticipant(room, name, char.ToUpperInvariant(name[0]) + name[1..]);
            return _h.LiveKit.AddAudioTrack(room, name, "TR_" + name, script.EgressAudioOf(voice), live);
        }).ToList();
        var speech = Stopwatch.StartNew(); // both tracks play from here, in lockstep
        foreach (var (name, track) in names.Zip(tracks))
        {
            var participant = _h.LiveKit.GetParticipant(room, name);
            Assert.Equal(200, (await _h.Webhooks.ParticipantJoinedAsync(_h.WebhookUrl, _h.LiveKit.GetRoom(room), participant, CancellationToken.None)).HttpStatus);
            Assert.Equal(200, (await _h.Webhooks.TrackPublishedAsync(_h.WebhookUrl, _h.LiveKit.GetRoom(room), participant, track, CancellationToken.None)).HttpStatus);
        }

        // They talk: their tracks are known, but nothing opens an egress or a speech session.
        foreach (var (name, track) in names.Zip(tracks))
        {
            await Eventually.HoldsAsync(async () => await _h.StatusAsync(room, name) is { State: SpeakerState.Stopped } s && s.TrackSid == track.Sid,
                $"{name}'s track is known and not transcribed");
        }

        await Eventually.HoldsAsync(() => speech.ElapsedMilliseconds >= script.Spans[1].EndMs, "two sentences have been said");
        Assert.All(tracks, t => Assert.Equal(0, _h.StartRequests(t.Sid)));
        Assert.Equal(0, _h.Vllm.SessionsOpened);
        Assert.Empty(await _h.TranscriptAsync(room));
        Assert.False((await TranscriptionRoutes.GetAsync(_h.Silo.Admin, room)).Active);

        // Start: every speaker's words arrive within a few seconds of audio.
        var started = await TranscriptionRoutes.StartAsync(_h.Silo.Admin, room, """{"language": "fr"}""");
        var sinceStart = Stopwatch.StartNew();
        Assert.Equal((room, true, "fr", "admin"), (started.Room, started.Active, started.Language, started.RequestedBy));
        await Eventually.HoldsAsync(async () =>
        {
            var segments = await _h.TranscriptAsync(room);
            return names.All(name => segments.Any(s => s.Speaker == name && s.Text.Length > 0));
        }, "every speaker's words are in the transcript");
        output.WriteLine($"start → every speaker's first words: {sinceStart.ElapsedMilliseconds} ms");
        Assert.True(sinceStart.Elapsed < FirstWordsWithin, $"the first words of every speaker took {sinceStart.Elapsed.TotalSeconds:F1} s");
        Assert.All(await _h.TranscriptAsync(room), s => Assert.Null(s.Language)); // the endpoint was not told "fr": no segment says it

        // Stop in the middle of a sentence both are saying.
        var last = script.FirstSentenceFrom(speech.ElapsedMilliseconds + 500);
        var (from, to) = script.Spans[last];
        await Eventually.HoldsAsync(() => speech.ElapsedMilliseconds >= from + (to - from) * 0.4, $"both are in the middle of sentence {last}");
        var egresses = tracks.Select(t => _h.EgressesOf(t.Sid).Single(e => e.Status == EgressStatus.Active)).ToList();
        var sinceStop = Stopwatch.StartNew();
        var stopped = await TranscriptionRoutes.StopAsync(_h.Silo.Admin, room);
        Assert.Equal((false, "admin"), (stopped.Active, stopped.RequestedBy));
        using (var patience = new CancellationTokenSource(LiveKitRoomHarness.Patience))
        {
            await Task.WhenAll(egresses.Select(e => _h.LiveKit.WaitForEgressEndAsync(e.EgressId, patience.Token)));
        }

        output.WriteLine($"stop → every egress ended: {sinceStop.ElapsedMilliseconds} ms");
        Assert.True(sinceStop.Elapsed < EgressesEndWithin, $"the egresses ended {sinceStop.Elapsed.TotalSeconds:F1} s after the stop");
        // The stream's end closed the socket; the StopEgress call follows from the speaker's egress timer.
        await Eventually.HoldsAsync(() => egresses.All(e => _h.StopRequests(e.EgressId) == 1), "every egress was told to stop");
        await Eventually.HoldsAsync(async () => (await _h.TranscriptAsync(room)).All(s => s.IsFinal), "every segment is final");

        // Each speaker's last utterance is whole, and nothing said after it was transcribed.
        var transcript = await _h.TranscriptAsync(room);
        foreach (var (name, voice) in names.Select((n, i) => (n, i)))
        {
            var sentences = script.SentencesOf(voice);
            var mine = transcript.Where(s => s.Speaker == name).OrderBy(s => s.StartMs).Select(s => s.Text).ToList();
            Assert.Equal(sentences[last], mine[^1]);
            Assert.DoesNotContain(mine, text => sentences.Skip(last + 1).Contains(text));
        }

        Assert.Empty(_h.Vllm.Violations);
        Assert.All(tracks, t => Assert.Equal(1, _h.StartRequests(t.Sid)));

        // The room was told, in order; segments on the same topic say what they are.
        await Eventually.HoldsAsync(() => TranscriptionRoutes.StatusMessages(_h.LiveKit, room).Count == 2, "both status messages were sent");
        Assert.Equal([(true, "fr"), (false, (string?)null)], TranscriptionRoutes.StatusMessages(_h.LiveKit, room).Select(m => (m.Active, m.Language)));
        Assert.All(TranscriptionRoutes.StatusMessages(_h.LiveKit, room), m => Assert.Empty(m.To));
        Assert.Contains(_h.LiveKit.SentData, p => p.Room == room && p.Topic == TranscriptDataMessage.Topic
            && JsonDocument.Parse(p.Data).RootElement.GetProperty("type").GetString() == "segment");
    }
}
