using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Scribe.Fakes.Speech;
using Scribe.LocalSpeech;

namespace Scribe.Tests.Speech;

/// <summary>
/// One client, one scripted exchange, two servers: the fake vLLM and the local endpoint must answer with the
/// same sequence of event types and error codes (their words may differ: each hears with its own recogniser).
/// </summary>
public sealed class RealtimeParityTests(LocalSpeechServerFixture fixture, ITestOutputHelper output)
    : IClassFixture<LocalSpeechServerFixture>, IDisposable
{
    /// <summary>Runs of deltas are one entry: how many a server sends is its own business.</summary>
    private const string Deltas = "transcription.delta+";

    private const string Closed = "closed";

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(90));

    private CancellationToken Timeout => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task The_fake_vllm_and_the_local_endpoint_answer_the_same_script_alike()
    {
        await using var fake = await FakeVllmServer.StartAsync();
        var toneSentence = ToneSpeech.RandomSentences(1, seed: 7);
        var tones = ToneSpeech.Synthesize(toneSentence, 16_000);
        var spoken = (await FliteCorpus.LoadAsync(Timeout))[0];

        var fromFake = await RunScriptAsync(fake.RealtimeUrl, fake.Model, tones);
        var fromLocal = await RunScriptAsync(fixture.Server.RealtimeUri, LocalSpeechOptions.DefaultModelName, spoken.Pcm16kMono);
        output.WriteLine($"fake:  {string.Join(", ", fromFake.Events)}\n  text: {fromFake.Text}");
        output.WriteLine($"local: {string.Join(", ", fromLocal.Events)}\n  text: {fromLocal.Text}");

        string[] expected =
        [
            "session.created", Deltas, "transcription.done",
            "error:processing_error", "error:processing_error", "error:unknown_event",
            $"{Closed}:{WebSocketCloseStatus.InvalidMessageType}",
        ];
        Assert.Equal(expected, fromFake.Events);
        Assert.Equal(expected, fromLocal.Events);
        Assert.Equal(string.Join(' ', toneSentence), fromFake.Text);
        Assert.True(WordErrorRate.Compute(spoken.Text, fromLocal.Text) < 0.5, fromLocal.Text);
    }

    /// <summary>The script; returns what came back, with the done text checked against the joined deltas.</summary>
    private async Task<(IReadOnlyList<string> Events, string Text)> RunScriptAsync(Uri url, string model, short[] audio)
    {
        var events = new List<string>();
        await using var client = await RealtimeTestClient.ConnectAsync(url, Timeout);
        events.Add((await client.ExpectAsync("session.created", Timeout)).GetProperty("type").GetString()!);

        await client.UpdateSessionAsync(model, Timeout);
        await client.CommitAsync(Timeout);
        await client.AppendAsync(audio, Timeout);
        await client.CommitAsync(Timeout, final: true);
        var (deltas, done) = await client.CollectGenerationAsync(Timeout);
        if (deltas.Count > 0)
        {
            events.Add(Deltas);
        }

        events.Add("transcription.done");
        var text = done.GetProperty("text").GetString()!;
        Assert.Equal(text, string.Concat(deltas));
        Assert.Equal((audio.Length + 1279) / 1280, done.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        // Each answered before the next goes out, so the order is the server's, not a race's.
        await client.SendTextAsync("[\"not\", \"an\", \"object\"]", Timeout);
        events.Add(await NextAsync(client));
        await client.SendAsync(new JsonObject { ["type"] = "input_audio_buffer.append" }, Timeout);
        events.Add(await NextAsync(client));
        await client.SendAsync(new JsonObject { ["type"] = "response.create" }, Timeout);
        events.Add(await NextAsync(client));
        await client.SendBinaryAsync(new byte[3200], Timeout);
        events.Add(await NextAsync(client));
        return (events, text);
    }

    private async Task<string> NextAsync(RealtimeTestClient client)
    {
        var received = await client.ReceiveAsync(Timeout);
        if (received is not { } message)
        {
            return $"{Closed}:{client.CloseStatus}";
        }

        var type = message.GetProperty("type").GetString();
        return type == "error" ? $"error:{message.GetProperty("code").GetString()}" : type!;
    }
}
