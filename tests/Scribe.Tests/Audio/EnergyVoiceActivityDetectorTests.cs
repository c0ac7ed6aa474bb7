namespace Scribe.Tests.Audio;

public sealed class EnergyVoiceActivityDetectorTests
{
    [Fact]
    public void A_frame_is_speech_when_its_level_reaches_the_threshold()
    {
        using var detector = new EnergyVoiceActivityDetector(-45);

        Assert.All(TestSignals.Probabilities(detector, TestSignals.Silence(320)), p => Assert.Equal(0f, p));
        Assert.All(TestSignals.Probabilities(detector, TestSignals.WhiteNoise(320, -60, seed: 1)), p => Assert.Equal(0f, p));
        Assert.All(TestSignals.Probabilities(detector, TestSignals.Tone(320, 440, 0.1)), p => Assert.Equal(1f, p));
        Assert.Equal("energy", detector.Kind);
    }

    [Fact]
    public void It_cannot_tell_steady_noise_from_speech()
    {
        // Why Silero is the default: a fan at -30 dBFS is "speech" to a level threshold and keeps a session busy.
        using var detector = new EnergyVoiceActivityDetector(-45);
        Assert.All(TestSignals.Probabilities(detector, TestSignals.WhiteNoise(640, -30, seed: 2)), p => Assert.Equal(1f, p));
    }
}
