using Scribe.Fakes.Speech;
using Scribe.LocalSpeech;
using Scribe.Tests.Speech;

namespace Scribe.Tests.EndToEnd;

/// <summary>
/// The figure that proves the cluster loses nothing: the same flite sentences recognised (a) directly by
/// PocketSphinx from a 16 kHz mono copy and (b) through the whole cluster — signed webhooks, track egress in
/// 48 kHz stereo frames of any size, ingest, downmix and resampling, generations cut at pauses, the realtime
/// protocol to the embedded local endpoint, gated by Silero VAD. (b) may be worse than (a) by at most one point of
/// word error rate.
/// </summary>
public sealed class FidelityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_cluster_path_recognises_speech_as_well_as_direct_decoding()
    {
        var corpus = await FliteCorpus.LoadAsync();
        Assert.True(corpus.Count >= 12);
        var speakers = new Dictionary<string, string> { ["slt"] = "alice", ["awb"] = "bob", ["rms"] = "carol" };
        // Turns alternate between the three voices, as a meeting would.
        var turns = corpus.Select((s, i) => (Index: i, Sentence: s)).OrderBy(t => t.Index % 5).ThenBy(t => t.Index).Select(t => t.Sentence).ToList();

        // (a) direct: one decoder per speaker, utterance after utterance, as each speaker's session decodes them.
        var direct = new List<(string Reference, string? Hypothesis)>();
        foreach (var voice in speakers.Keys)
        {
            using var decoder = SphinxDecoder.Create(SphinxModel.Default);
            direct.AddRange(turns.Where(s => s.Voice == voice).Select(s => (s.Text, SphinxDecoderTests.Decode(decoder, s.Pcm16kMono))));
        }

        // (b) through the cluster, on its embedded defaults (no inference endpoints configured).
        // Real speech, so the real gate: Silero VAD decides where generations start and end.
        await using var rig = await MeetingRig.StartAsync(new RigOptions
        {
            FakeVllm = false,
            Settings = new Dictionary<string, string?> { ["Transcription:VadMode"] = "Silero" },
        });
        var meeting = new MeetingAudio([.. turns.Select(s => (speakers[s.Voice], s.Pcm48kStereo))]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var segments = await rig.TranscribeAsync("fidelity", meeting.Tracks, turns.Count, timeout.Token);

        // Each turn is one segment, in the order it was spoken, by the right speaker.
        Assert.Equal(turns.Select(t => speakers[t.Voice]), segments.Select(s => s.Speaker));
        var cluster = turns.Zip(segments, (t, s) => (t.Text, (string?)s.Text)).ToList();

        var directRate = WordErrorRate.Corpus(direct);
        var clusterRate = WordErrorRate.Corpus(cluster);
        foreach (var ((reference, heard), (_, direct1)) in cluster.Zip(direct.OrderBy(d => turns.FindIndex(t => t.Text == d.Reference))))
        {
            output.WriteLine($"{reference}\n   direct:  {direct1}\n   cluster: {heard}");
        }

        output.WriteLine($"WER over {turns.Count} sentences: direct {directRate:P1}, through the cluster {clusterRate:P1}");
        Assert.True(clusterRate <= directRate + 0.01, $"through the cluster {clusterRate:P1} vs direct {directRate:P1}");
    }
}
