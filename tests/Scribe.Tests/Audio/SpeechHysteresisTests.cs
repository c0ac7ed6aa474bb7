namespace Scribe.Tests.Audio;

public sealed class SpeechHysteresisTests
{
    [Fact]
    public void Speech_starts_at_the_on_threshold_and_ends_only_below_the_off_threshold()
    {
        var gate = new SpeechHysteresis(0.5f, 0.35f);
        float[] probabilities = [0.1f, 0.49f, 0.5f, 0.4f, 0.36f, 0.35f, 0.34f, 0.45f, 0.49f, 0.6f];
        bool[] expected = [false, false, true, true, true, true, false, false, false, true];

        Assert.Equal(expected, probabilities.Select(gate.Update));
    }

    [Fact]
    public void A_probability_wavering_between_the_thresholds_does_not_flip_the_state()
    {
        var gate = new SpeechHysteresis(0.5f, 0.35f);
        gate.Update(0.9f);
        var changes = 0;
        var last = gate.IsSpeech;
        foreach (var p in Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? 0.36f : 0.49f))
        {
            if (gate.Update(p) != last)
            {
                changes++;
            }

            last = gate.IsSpeech;
        }

        Assert.Equal(0, changes);
        Assert.True(gate.IsSpeech);

        gate.Reset();
        Assert.False(gate.Update(0.49f));
    }

    [Fact]
    public void Equal_thresholds_are_a_plain_threshold()
    {
        var gate = new SpeechHysteresis(0.5f, 0.5f);
        float[] probabilities = [0.49f, 0.5f, 0.49f, 0.51f];
        Assert.Equal([false, true, false, true], probabilities.Select(gate.Update));
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(1.1f, 0.5f)]
    [InlineData(0.5f, 0.6f)]
    [InlineData(0.5f, -0.1f)]
    public void Impossible_thresholds_are_refused(float on, float off) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpeechHysteresis(on, off));
}
