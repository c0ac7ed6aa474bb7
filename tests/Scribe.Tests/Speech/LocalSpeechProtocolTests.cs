using System.Text.Json.Nodes;
using Scribe.Fakes.Speech;
using Scribe.LocalSpeech;

namespace Scribe.Tests.Speech;

/// <summary>The local endpoint against vLLM's realtime protocol, over a real WebSocket on loopback.</summary>
public sealed class LocalSpeechProtocolTests(LocalSpeechServerFixture fixture, ITestOutputHelper output)
    : IClassFixture<LocalSpeechServerFixture>, IDisposable
{
    private const string Model = LocalSpeechOptions.DefaultModelName;

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(90));

    private CancellationToken Timeout => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Session_created_comes_first()
    {
        await using var client = await fixture.Server.ConnectAsync(Timeout);
        var created = await client.ExpectAsync("session.created", Timeout);
        Assert.StartsWith("sess-", created.GetProperty("id").GetString(), StringComparison.Ordinal);
        var age = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - created.GetProperty("created").GetInt64();
        Assert.InRange(age, 0, 60);
    }

    [Fact]
    public async Task A_commit_before_a_validated_session_update_is_refused()
    {
        await using var client = await ConnectAsync();
        await client.CommitAsync(Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.ModelNotValidated, Timeout);
        await client.CommitAsync(Timeout, final: true);
        await client.ExpectErrorAsync(RealtimeErrorCode.ModelNotValidated, Timeout);

        await client.UpdateSessionAsync("no-such-model", Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.ModelNotFound, Timeout);
        await client.CommitAsync(Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.ModelNotValidated, Timeout);
    }

    [Fact]
    public async Task Session_update_needs_a_known_model()
    {
        await using var client = await ConnectAsync();
        await client.SendAsync(new JsonObject { ["type"] = "session.update", ["language"] = "en" }, Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.InvalidEvent, Timeout);
        await client.UpdateSessionAsync("mistralai/Voxtral-Mini-4B-Realtime-2602", Timeout);
        var notFound = await client.ExpectErrorAsync(RealtimeErrorCode.ModelNotFound, Timeout);
        Assert.Contains("Voxtral", notFound.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The accepted model validates the session: an empty generation follows.
        await client.SendAsync(new JsonObject { ["type"] = "session.update", ["model"] = Model, ["target_streaming_delay_ms"] = 480 }, Timeout);
        await client.CommitAsync(Timeout);
        await client.CommitAsync(Timeout, final: true);
        var (deltas, done) = await client.CollectGenerationAsync(Timeout);
        Assert.Empty(deltas);
        Assert.Equal(string.Empty, done.GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAEC")] // three bytes: not whole PCM16 samples
    public async Task Bad_audio_is_refused_and_the_session_goes_on(string audio)
    {
        await using var client = await ConnectAsync();
        await client.SendAsync(new JsonObject { ["type"] = "input_audio_buffer.append", ["audio"] = audio }, Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.InvalidAudio, Timeout);
        // vLLM fails to read an append without audio as an event, before it looks at any audio.
        await client.SendAsync(new JsonObject { ["type"] = "input_audio_buffer.append" }, Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.ProcessingError, Timeout);
        await AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Frames_that_are_not_known_json_events_are_errors_on_a_live_connection()
    {
        await using var client = await ConnectAsync();
        await client.SendTextAsync("{not json", Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.InvalidJson, Timeout);
        // JSON that is not an object parses, then fails as an event (vLLM's processing_error).
        await client.SendTextAsync("[1, 2]", Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.ProcessingError, Timeout);
        await client.SendTextAsync("42", Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.ProcessingError, Timeout);
        await client.SendAsync(new JsonObject { ["type"] = "response.create" }, Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.UnknownEvent, Timeout);
        await client.SendAsync(new JsonObject { ["audio"] = "AAAA" }, Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.UnknownEvent, Timeout);
        await AssertStillServesAsync(client);
    }

    [Fact]
    public async Task A_binary_frame_closes_the_connection()
    {
        await using var client = await ConnectAsync();
        await client.SendBinaryAsync(new byte[3200], Timeout);
        // vLLM reads text frames only: the connection ends, with no error event before the close.
        Assert.Null(await client.ReceiveAsync(Timeout));
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.InvalidMessageType, client.CloseStatus);
    }

    [Fact]
    public async Task A_generation_streams_stable_deltas_and_ends_with_the_final_text()
    {
        var corpus = await FliteCorpus.LoadAsync(Timeout);
        await using var client = await ConnectAsync();
        await client.UpdateSessionAsync(Model, Timeout);
        var pairs = new List<(string Reference, string? Hypothesis)>();
        var deltaCount = 0;
        // One sentence per voice, as consecutive generations of one session.
        foreach (var sentence in new[] { corpus[0], corpus[5], corpus[10] })
        {
            await client.CommitAsync(Timeout);
            await client.AppendAsync(sentence.Pcm16kMono, Timeout);
            await client.CommitAsync(Timeout, final: true);
            var (deltas, done) = await client.CollectGenerationAsync(Timeout);
            var text = done.GetProperty("text").GetString()!;
            var streamed = string.Concat(deltas);
            output.WriteLine($"[{sentence.Voice}] {sentence.Text}\n  deltas: {string.Join(" | ", deltas)}\n  done:   {text}");
            pairs.Add((sentence.Text, text));
            deltaCount += deltas.Count;

            // Append-only words: the first delta starts the text, every later one adds words after a space,
            // so each interim text is a prefix of the next.
            var interim = string.Empty;
            for (var i = 0; i < deltas.Count; i++)
            {
                var next = interim + deltas[i];
                Assert.StartsWith(interim, next, StringComparison.Ordinal);
                Assert.Equal(WordErrorRate.Normalize(interim), WordErrorRate.Normalize(next).Take(WordErrorRate.Normalize(interim).Count));
                interim = next;
                Assert.False(string.IsNullOrWhiteSpace(deltas[i]));
                Assert.Equal(i > 0, deltas[i].StartsWith(' '));
                Assert.DoesNotContain("  ", deltas[i], StringComparison.Ordinal);
                Assert.False(deltas[i].EndsWith(' '));
            }

            // As with vLLM, a client that shows only the joined deltas shows exactly the final text.
            Assert.Equal(text, streamed);

            // One completion token per 80 ms engine step (1,280 samples), as vLLM counts; no prompt here.
            var usage = done.GetProperty("usage");
            Assert.Equal(0, usage.GetProperty("prompt_tokens").GetInt32());
            Assert.Equal((sentence.Pcm16kMono.Length + 1279) / 1280, usage.GetProperty("completion_tokens").GetInt32());
            Assert.Equal(
                usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(),
                usage.GetProperty("total_tokens").GetInt32());
        }

        var rate = WordErrorRate.Corpus(pairs);
        output.WriteLine($"WER of done texts through the endpoint: {rate:P1}");
        Assert.True(rate < 0.35, $"WER {rate:P1}");
        Assert.True(deltaCount > 0, "no delta in three generations");
    }

    [Fact]
    public async Task Audio_queued_before_the_commit_belongs_to_the_generation()
    {
        var sentence = (await FliteCorpus.LoadAsync(Timeout))[1];
        await using var client = await ConnectAsync();
        await client.UpdateSessionAsync(Model, Timeout);
        await client.AppendAsync(sentence.Pcm16kMono, Timeout);
        await client.CommitAsync(Timeout);
        await client.CommitAsync(Timeout, final: true);
        var (_, done) = await client.CollectGenerationAsync(Timeout);
        Assert.True(WordErrorRate.Compute(sentence.Text, done.GetProperty("text").GetString()) < 0.5, done.ToString());
    }

    [Fact]
    public async Task Audio_after_the_final_commit_and_before_done_is_dropped()
    {
        var corpus = await FliteCorpus.LoadAsync(Timeout);
        var (spoken, late) = (corpus[6], corpus[13]);
        await using var client = await ConnectAsync();
        await client.UpdateSessionAsync(Model, Timeout);
        await client.CommitAsync(Timeout);
        await client.AppendAsync(spoken.Pcm16kMono, Timeout);
        await client.CommitAsync(Timeout, final: true);
        await client.AppendAsync(late.Pcm16kMono, Timeout);
        var (_, done) = await client.CollectGenerationAsync(Timeout);
        var text = done.GetProperty("text").GetString();
        output.WriteLine($"done: {text}");
        Assert.True(WordErrorRate.Compute(spoken.Text, text) < 0.5, text);
        Assert.DoesNotContain("football", text, StringComparison.OrdinalIgnoreCase);

        // The next generation starts empty: the late audio is gone, not carried over.
        await client.CommitAsync(Timeout);
        await client.CommitAsync(Timeout, final: true);
        var (deltas, next) = await client.CollectGenerationAsync(Timeout);
        Assert.Empty(deltas);
        Assert.Equal(string.Empty, next.GetProperty("text").GetString());
        Assert.Equal(0, next.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task A_final_commit_without_a_generation_marks_where_the_next_one_ends()
    {
        var corpus = await FliteCorpus.LoadAsync(Timeout);
        var (spoken, after) = (corpus[7], corpus[14]);
        await using var client = await ConnectAsync();
        await client.UpdateSessionAsync(Model, Timeout);
        await client.AppendAsync(spoken.Pcm16kMono, Timeout);
        await client.CommitAsync(Timeout, final: true);
        await client.AppendAsync(after.Pcm16kMono, Timeout);
        await client.CommitAsync(Timeout);
        var (_, done) = await client.CollectGenerationAsync(Timeout);
        var text = done.GetProperty("text").GetString();
        output.WriteLine($"done: {text}");
        // The generation took the audio queued before the mark, ended there and dropped the rest.
        Assert.True(WordErrorRate.Compute(spoken.Text, text) < 0.5, text);
        Assert.DoesNotContain("boxes", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_commit_while_a_generation_runs_is_ignored()
    {
        var sentence = (await FliteCorpus.LoadAsync(Timeout))[2];
        await using var client = await ConnectAsync();
        await client.UpdateSessionAsync(Model, Timeout);
        await client.CommitAsync(Timeout);
        await client.AppendAsync(sentence.Pcm16kMono[..8000], Timeout);
        await client.CommitAsync(Timeout);
        await client.AppendAsync(sentence.Pcm16kMono[8000..], Timeout);
        await client.CommitAsync(Timeout, final: true);
        var (_, done) = await client.CollectGenerationAsync(Timeout);
        Assert.True(WordErrorRate.Compute(sentence.Text, done.GetProperty("text").GetString()) < 0.5, done.ToString());

        // Exactly one done: the next event is the answer to this probe.
        await client.SendAsync(new JsonObject { ["type"] = "probe" }, Timeout);
        await client.ExpectErrorAsync(RealtimeErrorCode.UnknownEvent, Timeout);
    }

    [Fact]
    public async Task Health_and_metrics_read_like_vllm()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.HttpBase };
        using var health = await http.GetAsync(new Uri("/health", UriKind.Relative), Timeout);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);

        await using var client = await ConnectAsync();
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Timeout);
        output.WriteLine(metrics);
        Assert.Contains("# TYPE vllm:websocket_connections_active gauge", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE vllm:num_requests_running gauge", metrics, StringComparison.Ordinal);
        Assert.True(Gauge(metrics, "vllm:websocket_connections_active") >= 1, metrics);

        // A generation counts as a running request from its commit until its done.
        await client.UpdateSessionAsync(Model, Timeout);
        await client.CommitAsync(Timeout);
        await WaitForGaugeAsync(http, "vllm:num_requests_running", running => running >= 1);
        await client.CommitAsync(Timeout, final: true);
        await client.CollectGenerationAsync(Timeout);
        await WaitForGaugeAsync(http, "vllm:num_requests_running", running => running == 0);
    }

    private static int Gauge(string metrics, string name)
    {
        var line = metrics.Split('\n').Single(line => line.StartsWith(name + " ", StringComparison.Ordinal));
        return int.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task WaitForGaugeAsync(HttpClient http, string name, Func<int, bool> expected) =>
        await Eventually.ReturnsAsync(
            () => http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Timeout), metrics => expected(Gauge(metrics, name)), $"{name} reaches the expected value", TimeSpan.FromSeconds(10));

    private async Task<RealtimeTestClient> ConnectAsync()
    {
        var client = await fixture.Server.ConnectAsync(Timeout);
        await client.ExpectAsync("session.created", Timeout);
        return client;
    }

    private async Task AssertStillServesAsync(RealtimeTestClient client)
    {
        await client.UpdateSessionAsync(Model, Timeout);
        await client.CommitAsync(Timeout);
        await client.AppendAsync(new short[3200], Timeout);
        await client.CommitAsync(Timeout, final: true);
        var (_, done) = await client.CollectGenerationAsync(Timeout);
        Assert.Equal(JsonValueKind.String, done.GetProperty("text").ValueKind);
    }
}
