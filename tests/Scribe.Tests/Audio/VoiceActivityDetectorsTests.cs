using Microsoft.Extensions.Logging;

namespace Scribe.Tests.Audio;

public sealed class VoiceActivityDetectorsTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("scribe-vad-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Without_the_model_the_energy_detector_serves_after_one_warning_naming_the_setup_script()
    {
        var logger = new RecordingLogger();
        using var detectors = VoiceActivityDetectors.Load(Path.Combine(_scratch, "absent.onnx"), -45, logger);
        using var first = detectors.Create();
        using var second = detectors.Create();

        Assert.Equal("energy", detectors.Kind);
        Assert.IsType<EnergyVoiceActivityDetector>(first);
        Assert.NotSame(first, second);
        var warning = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("scripts/setup/vad-model.sh", warning.Message, StringComparison.Ordinal);
        Assert.Contains("absent.onnx", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_model_each_stream_gets_its_own_silero_detector()
    {
        var logger = new RecordingLogger();
        using var detectors = VoiceActivityDetectors.Load(SileroModelFixture.ModelPath, -45, logger);
        using var first = detectors.Create();
        using var second = detectors.Create();

        Assert.Equal("silero", detectors.Kind);
        Assert.IsType<SileroVoiceActivityDetector>(first);
        Assert.NotSame(first, second);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void With_a_gate_each_silero_detector_sits_behind_it()
    {
        using var detectors = VoiceActivityDetectors.Load(SileroModelFixture.ModelPath, -45, new RecordingLogger(), gateDbfs: -60);
        using var detector = detectors.Create();

        var gated = Assert.IsType<EnergyGatedVoiceActivityDetector>(detector);
        Assert.Equal(-60, gated.GateDbfs);
        Assert.Equal("silero", detector.Kind);
    }

    [Fact]
    public void A_file_that_is_not_the_model_is_an_error_not_a_silent_fallback()
    {
        var bogus = Path.Combine(_scratch, "bogus.onnx");
        File.WriteAllBytes(bogus, [1, 2, 3, 4, 5]);
        var error = Assert.Throws<InvalidDataException>(() => VoiceActivityDetectors.Load(bogus, -45, new RecordingLogger()));
        Assert.Contains("bogus.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_path_is_where_the_setup_script_puts_the_model()
    {
        var script = File.ReadAllText(Path.Combine(Repository.Root, "scripts", "setup", "vad-model.sh"));
        Assert.Contains("${XDG_CACHE_HOME:-$HOME/.cache}/scribe/silero_vad.onnx", script, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("scribe", "silero_vad.onnx"), VoiceActivityDetectors.DefaultModelPath, StringComparison.Ordinal);
    }
}
