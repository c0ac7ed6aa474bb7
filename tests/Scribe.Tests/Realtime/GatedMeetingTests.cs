using Scribe.Fakes.Speech;

namespace Scribe.Tests.Realtime;

/// <summary>
/// What gating saves: a ten-speaker meeting of flite speech, each speaker talking about a tenth of the time
/// and silent on their own track otherwise, through Silero-gated transcribers against the strict fake vLLM.
/// </summary>
public sealed class GatedMeetingTests(SileroModelFixture silero, ITestOutputHelper output) : FakeVllmTest, IClassFixture<SileroModelFixture>
{
    private const int Speakers = 10;
    private const int SentencesPerTurn = 3;
    private const int GapInTurnMs = 300; // shorter than PauseMs: a turn stays one generation

    /// <summary>Gating off: every chunk counts as speech, so the session streams the whole track.</summary>
    private sealed class AlwaysSpeech : IVoiceActivityDetector
    {
        public string Kind => "always";

        public float SpeechProbability(ReadOnlySpan<short> frame) => 1f;

        public void Reset()
        {
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task Gated_generation_audio_stays_within_1_3_times_the_speech_of_a_ten_speaker_meeting()
    {
        var corpus = await FliteCorpus.LoadAsync();
        var turns = new List<(string Speaker, byte[] Pcm48kStereo)>();
        var silence = Meeting.Silence(GapInTurnMs);
        for (var s = 0; s < Speakers; s++)
        {
            var parts = Enumerable.Range(0, SentencesPerTurn).Select(k => corpus[(s * SentencesPerTurn + k) % corpus.Count].Pcm48kStereo);
            turns.Add(($"speaker-{s}", [.. parts.SelectMany((pcm, k) => k == 0 ? pcm : [.. silence, .. pcm])]));
        }

        var meeting = new MeetingAudio(turns);
        var speechSeconds = turns.Sum(t => t.Pcm48kStereo.Length / (48_000.0 * 4));
        var tracks = meeting.Tracks.ToDictionary(t => t.Key, t => ToSpeechModelFormat(t.Value));

        var gated = await RunAsync(tracks, id => silero.Model.CreateDetector(), new TranscriberOptions());
        Assert.Empty(Vllm.Violations);
        var gatedGenerations = Vllm.Generations.Count;

        // Ungated, every chunk goes into a generation, so each speaker sends their whole track: measured on one
        // track (the fake's decoding of a whole track is slow), then summed over the tracks, which are all as long.
        // Generations are cut only at the maximum length; a short one keeps the fake cheap and sends the same audio.
        var first = tracks.OrderBy(t => t.Key, StringComparer.Ordinal).First();
        var ungatedOne = (await RunAsync(new() { [first.Key] = first.Value }, id => new AlwaysSpeech(), new TranscriberOptions { MaxGenerationMs = 2_000 })).Single();
        Assert.Empty(Vllm.Violations);
        Assert.Equal(first.Value.Length / 16_000.0, ungatedOne.GenerationSeconds, precision: 3);
        Assert.Equal(1, ungatedOne.SessionsOpened);

        var gatedSeconds = gated.Sum(u => u.GenerationSeconds);
        var ungatedSeconds = tracks.Values.Sum(t => t.Length / 16_000.0);
        output.WriteLine($"{Speakers} speakers, meeting {meeting.DurationMs / 1000.0:F1} s, speech {speechSeconds:F1} s ({speechSeconds / Speakers / (meeting.DurationMs / 1000.0):P1} of the meeting per speaker)");
        output.WriteLine($"Silero-classified speech: {gated.Sum(u => u.SpeechSeconds):F1} s");
        output.WriteLine($"gated:   generation audio {gatedSeconds:F1} s = {gatedSeconds / speechSeconds:F2} × speech, {gatedGenerations} generations, sessions opened {gated.Sum(u => u.SessionsOpened)}, idle releases {gated.Sum(u => u.IdleReleases)}");
        output.WriteLine($"ungated: generation audio {ungatedSeconds:F1} s = {ungatedSeconds / speechSeconds:F2} × speech (measured {ungatedOne.GenerationSeconds:F1} s on {first.Key}'s track, one session held throughout)");
        foreach (var (usage, s) in gated.Select((u, s) => (u, s)))
        {
            output.WriteLine($"  speaker-{s}: speech {usage.SpeechSeconds:F1} s, generation {usage.GenerationSeconds:F1} s, session {usage.SessionSeconds:F2} s (fed faster than real time)");
        }

        Assert.True(gatedSeconds <= 1.3 * speechSeconds, $"gated generation audio {gatedSeconds:F1} s exceeds 1.3 × speech {speechSeconds:F1} s");
        Assert.True(gatedSeconds >= speechSeconds * 0.95, "gating must not drop speech");
        Assert.True(ungatedSeconds >= 9 * speechSeconds, $"ungated {ungatedSeconds:F1} s");
        Assert.InRange(gatedGenerations, Speakers, Speakers * SentencesPerTurn);
    }

    private async Task<List<SpeakerUsage>> RunAsync(Dictionary<string, short[]> tracks, Func<string, IVoiceActivityDetector> detector, TranscriberOptions options)
    {
        var usage = new List<SpeakerUsage>();
        var balancer = new EndpointBalancer([Vllm.Endpoint("gpu-1")]);
        foreach (var (speaker, samples) in tracks.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var context = new SpeakerContext("meeting", speaker, speaker, $"TR_{speaker}", 1, 0);
            await using var transcriber = new SpeakerTranscriber(context, options, balancer, new RecordingSink(), NullLogger.Instance, TestMetrics.Scribe, detector: detector(speaker));
            for (var offset = 0; offset < samples.Length; offset += 1_600)
            {
                await transcriber.WriteAsync(samples.AsMemory(offset, Math.Min(1_600, samples.Length - offset)), CancellationToken.None);
            }

            await transcriber.CompleteAsync(CancellationToken.None);
            usage.Add(transcriber.Usage);
        }

        return usage;
    }

    private static short[] ToSpeechModelFormat(byte[] egress)
    {
        var converter = new EgressAudioConverter();
        var output = new short[EgressAudioConverter.MaxOutputSamples(egress.Length)];
        var count = converter.Convert(egress, output);
        return output[..count];
    }
}
