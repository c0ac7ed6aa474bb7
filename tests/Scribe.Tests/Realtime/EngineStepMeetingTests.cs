namespace Scribe.Tests.Realtime;

/// <summary>
/// A meeting over the whole path against a fake vLLM that behaves like the engine: an 80 ms delta per step, most of
/// them empty, and a generation now and then failed with <c>processing_error</c>. Nothing empty reaches anyone, and
/// every sentence arrives whole.
/// </summary>
public sealed class EngineStepMeetingTests : IAsyncLifetime
{
    private LiveKitRoomHarness _h = null!;

    // A final time-out far past the harness's patience: a failed generation must be replayed at once.
    public async Task InitializeAsync() => _h = await LiveKitRoomHarness.StartAsync(new Dictionary<string, string?> { ["Transcription:FinalTimeoutMs"] = "60000" });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Empty_deltas_and_failed_generations_leave_an_exact_transcript_with_nothing_empty_in_it()
    {
        const string Room = "engine";
        _h.Vllm.FailEveryNthGeneration = 3;
        var sentences = ToneSpeech.RandomSentences(4, seed: 31);
        var meeting = new Meeting([("alice", sentences[0]), ("bob", sentences[1]), ("alice", sentences[2]), ("bob", sentences[3])]);
        var tracks = await _h.Webhooks.PublishAsync(_h.LiveKit, _h.WebhookUrl, Room, meeting.Tracks);
        // The room exists once its webhooks are in: read its live stream from then on.
        await using var stream = await EventStreamClient.OpenAsync(_h.Silo.Admin, $"/api/rooms/{Room}/transcript/stream");
        using (var timeout = new CancellationTokenSource(LiveKitRoomHarness.Patience))
        {
            await _h.LiveKit.WaitForEgressesAsync(tracks, timeout.Token);
        }

        IReadOnlyList<TranscriptSegment> transcript = [];
        await Eventually.HoldsAsync(async () =>
        {
            transcript = await _h.TranscriptAsync(Room);
            return transcript.Count(s => s.IsFinal) == sentences.Count;
        }, "every sentence final");

        Assert.Empty(_h.Vllm.Violations);
        Assert.True(_h.Vllm.ProcessingErrors >= 1, "no generation failed");
        Assert.True(_h.Vllm.EmptyDeltas > 20, $"{_h.Vllm.EmptyDeltas} empty deltas");
        Assert.Equal(meeting.Turns.Select(t => (t.Speaker, t.Sentence)), transcript.Select(s => (s.Speaker, s.Text)));

        var events = new List<TranscriptSegment>();
        while (events.Count(s => s.IsFinal) < sentences.Count && await stream.TryReadAsync(TimeSpan.FromSeconds(5)) is { } next)
        {
            events.Add(next.Segment);
        }

        Assert.Equal(sentences.Count, events.Count(s => s.IsFinal));
        Assert.DoesNotContain(events, s => string.IsNullOrWhiteSpace(s.Text));

        var messages = _h.LiveKit.SentData.Where(p => p.Room == Room).Select(p => JsonDocument.Parse(p.Data).RootElement.Clone())
            .Where(m => m.GetProperty("type").GetString() == "segment").ToList();
        Assert.DoesNotContain(messages, m => string.IsNullOrWhiteSpace(m.GetProperty("text").GetString()));
        // Writes and data messages follow words, not engine steps: an interim per word (twice for a replayed generation) and the final.
        foreach (var segment in transcript)
        {
            var words = segment.Text.Split(' ').Length;
            Assert.InRange(events.Count(s => s.Id == segment.Id), 1, 2 * words + 1);
            Assert.InRange(messages.Count(m => m.GetProperty("id").GetString() == segment.Id), 1, 2 * words + 1);
        }
    }
}
