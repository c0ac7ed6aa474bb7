namespace Scribe.Tests.Audio;

public sealed class ChunkSpeechClassifierTests
{
    /// <summary>Returns a scripted probability per frame and records what it was fed.</summary>
    private sealed class ScriptedDetector(params float[] probabilities) : IVoiceActivityDetector
    {
        public List<short> FirstSamples { get; } = [];

        public string Kind => "scripted";

        public float SpeechProbability(ReadOnlySpan<short> frame)
        {
            Assert.Equal(IVoiceActivityDetector.FrameSamples, frame.Length);
            FirstSamples.Add(frame[0]);
            return probabilities[(FirstSamples.Count - 1) % probabilities.Length];
        }

        public void Reset()
        {
        }

        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    private static short[] Counting(int start, int length) => [.. Enumerable.Range(start, length).Select(i => (short)(i % 30_000))];

    [Fact]
    public void Frames_are_cut_from_the_stream_across_chunk_boundaries_in_order()
    {
        var detector = new ScriptedDetector(0f);
        using var classifier = new ChunkSpeechClassifier(detector, new SpeechHysteresis(0.5f, 0.35f));

        // 100 ms chunks (1,600 samples) are 3.125 frames: frames straddle chunks.
        for (var chunk = 0; chunk < 8; chunk++)
        {
            classifier.Classify(Counting(chunk * 1600, 1600));
        }

        Assert.Equal(8 * 1600 / 512, detector.FirstSamples.Count);
        Assert.Equal(Enumerable.Range(0, detector.FirstSamples.Count).Select(f => (short)(f * 512)), detector.FirstSamples);
    }

    [Fact]
    public void A_chunk_is_speech_when_the_stream_spoke_at_any_frame_ending_inside_it()
    {
        // Frames 0..2 end in chunk 0 (1,600 samples), frames 3..5 in chunk 1, 6..8 in chunk 2 (frame 9 ends at 5,120).
        var detector = new ScriptedDetector(0f, 0f, 0f, 0f, 0.9f, 0.1f, 0f, 0f, 0f, 0f);
        using var classifier = new ChunkSpeechClassifier(detector, new SpeechHysteresis(0.5f, 0.35f));

        Assert.False(classifier.Classify(new short[1600]));
        Assert.True(classifier.Classify(new short[1600]));
        Assert.Equal(0.1f, classifier.LastProbability); // speech already ended at the chunk's last frame
        Assert.False(classifier.Classify(new short[1600]));
    }

    [Fact]
    public void A_chunk_too_short_to_finish_a_frame_keeps_the_current_state()
    {
        var detector = new ScriptedDetector(0.9f);
        using var classifier = new ChunkSpeechClassifier(detector, new SpeechHysteresis(0.5f, 0.35f));

        Assert.False(classifier.Classify(new short[100]));
        Assert.True(classifier.Classify(new short[600]));
        Assert.True(classifier.Classify(new short[10]));
    }

    [Fact]
    public void The_detector_is_disposed_with_the_classifier_and_never_used_after()
    {
        var detector = new ScriptedDetector(0f);
        var classifier = new ChunkSpeechClassifier(detector, new SpeechHysteresis(0.5f, 0.35f));
        classifier.Dispose();
        classifier.Dispose();

        Assert.True(detector.Disposed);
        Assert.Throws<ObjectDisposedException>(() => classifier.Classify(new short[1600]));
    }
}
