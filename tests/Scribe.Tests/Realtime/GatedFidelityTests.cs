using Microsoft.Extensions.Logging.Abstractions;
using Scribe.Endpoints;
using Scribe.Fakes.Speech;
using Scribe.LocalSpeech;
using Scribe.Realtime;
using Scribe.Tests.Audio;
using Scribe.Tests.Speech;
using Xunit.Abstractions;

namespace Scribe.Tests.Realtime;

/// <summary>
/// Gating must not clip words: sentences that open on a plosive and close on a soft consonant, cut by Silero
/// VAD into generations and recognised by the local PocketSphinx endpoint, score the same WER as the same
/// sentences decoded directly.
/// </summary>
public sealed class GatedFidelityTests(SileroModelFixture silero, LocalSpeechServerFixture speech, ITestOutputHelper output)
    : IClassFixture<SileroModelFixture>, IClassFixture<LocalSpeechServerFixture>
{
    /// <summary>Plosive first (b, t, g, p, k, d), and mostly a soft ending (s, th, v, z).</summary>
    private static readonly string[] Sentences =
    [
        "Bring the quarterly report to the finance office",
        "Put the heavy boxes near the back of the house",
        "Turn left at the next corner and follow the river path",
        "Dinner will be ready in about ten minutes",
        "Good morning everyone and welcome to the project review",
        "Please remember to lock the door when you leave",
        "Keep the receipts until the end of the year",
        "Can we move the deadline to next Friday",
    ];

    private const int SilenceBetweenMs = 1_500;

    [Fact]
    public async Task Silero_gated_generations_keep_the_word_error_rate_of_direct_decoding()
    {
        var corpus = await FliteCorpus.LoadAsync();
        var spoken = Sentences.Select(text => corpus.Single(s => s.Text == text)).ToList();

        using var decoder = SphinxDecoder.Create(SphinxModel.Default);
        var direct = spoken.Select(s => (s.Text, Hypothesis: SphinxDecoderTests.Decode(decoder, s.Pcm16kMono))).ToList();

        var sink = new RecordingSink();
        var endpoint = new InferenceEndpoint("local", speech.Server.RealtimeUri, LocalSpeechOptions.DefaultModelName, 2);
        var speaker = new SpeakerContext("review", "carol", "Carol", "TR_C", 1, 0);
        await using (var transcriber = new SpeakerTranscriber(
            speaker, new TranscriberOptions(), new EndpointBalancer([endpoint]), sink, NullLogger.Instance, detector: silero.Model.CreateDetector()))
        {
            var stream = new List<short>(new short[SilenceBetweenMs * 16]);
            foreach (var sentence in spoken)
            {
                stream.AddRange(sentence.Pcm16kMono);
                stream.AddRange(new short[SilenceBetweenMs * 16]);
            }

            var samples = stream.ToArray();
            for (var offset = 0; offset < samples.Length; offset += 1_600)
            {
                await transcriber.WriteAsync(samples.AsMemory(offset, Math.Min(1_600, samples.Length - offset)), CancellationToken.None);
            }

            await transcriber.CompleteAsync(CancellationToken.None);
            Assert.Equal("silero", transcriber.VoiceActivityDetector);
        }

        var segments = sink.Transcript.Where(s => s.IsFinal).ToList();
        // Segments map to sentences by time: each sentence sits at a known place on the stream's clock.
        var gated = new List<(string Text, string? Hypothesis)>();
        var startMs = SilenceBetweenMs;
        foreach (var sentence in spoken)
        {
            var endMs = startMs + (int)sentence.Duration.TotalMilliseconds;
            var words = segments.Where(s => s.EndMs > startMs && s.StartMs < endMs).Select(s => s.Text);
            gated.Add((sentence.Text, string.Join(' ', words)));
            startMs = endMs + SilenceBetweenMs;
        }

        for (var i = 0; i < spoken.Count; i++)
        {
            output.WriteLine($"{spoken[i].Text}\n   direct: {direct[i].Hypothesis}\n   gated:  {gated[i].Hypothesis}");
        }

        var directWer = WordErrorRate.Corpus(direct);
        var gatedWer = WordErrorRate.Corpus(gated);
        output.WriteLine($"WER direct {directWer:P1}, Silero-gated through the local endpoint {gatedWer:P1}; {segments.Count} segments for {spoken.Count} sentences");

        Assert.True(gatedWer <= directWer + 0.01, $"gated WER {gatedWer:P1} is more than a point above direct {directWer:P1}");
        Assert.Equal(spoken.Count, segments.Count);
    }
}
