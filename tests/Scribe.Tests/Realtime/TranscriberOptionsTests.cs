using System.ComponentModel.DataAnnotations;

namespace Scribe.Tests.Realtime;

public sealed class TranscriberOptionsTests
{
    private static List<ValidationResult> Validate(TranscriberOptions options) => OptionsValidation.Validate(options);

    [Fact]
    public void The_defaults_gate_with_silero_and_release_after_five_minutes()
    {
        var options = new TranscriberOptions();
        Assert.Empty(Validate(options));
        Assert.Equal(VoiceActivityMode.Silero, options.VadMode);
        Assert.Equal(300_000, options.IdleReleaseMs);
        Assert.True(options.VadSpeechOffProbability < options.VadSpeechOnProbability);
        Assert.True(options.PreRollMs >= 300, "the pre-roll must cover the detector's onset latency");
    }

    [Fact]
    public void An_off_threshold_above_the_on_threshold_is_refused_by_name()
    {
        var result = Assert.Single(Validate(new TranscriberOptions { VadSpeechOnProbability = 0.3, VadSpeechOffProbability = 0.6 }));
        Assert.Contains("Transcription:VadSpeechOffProbability", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void An_idle_release_under_a_second_is_refused() =>
        Assert.Contains(Validate(new TranscriberOptions { IdleReleaseMs = 200 }), r => r.MemberNames.Contains(nameof(TranscriberOptions.IdleReleaseMs)));
}
