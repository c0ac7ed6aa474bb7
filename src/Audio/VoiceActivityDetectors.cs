using Microsoft.Extensions.Logging;

namespace Scribe.Audio;

/// <summary>
/// Makes each speaker stream its own detector: Silero VAD when its model is installed, otherwise the energy
/// detector, announced by one warning when the silo starts (not one per speaker). One per process.
/// </summary>
public sealed partial class VoiceActivityDetectors : IDisposable
{
    public const string SetupScript = "scripts/setup/vad-model.sh";

    private readonly SileroVadModel? _silero;
    private readonly double _energyThresholdDbfs;
    private readonly double? _gateDbfs;

    private VoiceActivityDetectors(SileroVadModel? silero, double energyThresholdDbfs, double? gateDbfs = null)
    {
        _silero = silero;
        _energyThresholdDbfs = energyThresholdDbfs;
        _gateDbfs = gateDbfs;
    }

    /// <summary>Where the set-up script puts the model: <c>$XDG_CACHE_HOME/scribe/silero_vad.onnx</c> (<c>~/.cache</c> by default).</summary>
    public static string DefaultModelPath { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "scribe",
        "silero_vad.onnx");

    /// <summary><c>silero</c> or <c>energy</c>: what the detectors made here use.</summary>
    public string Kind => _silero is null ? EnergyVoiceActivityDetector.Name : SileroVoiceActivityDetector.Name;

    /// <summary>
    /// Loads the Silero model from <paramref name="modelPath"/>; when it is missing, falls back to energy with a
    /// warning naming the set-up script. A file that is there but is not the model is an error, not a fallback:
    /// someone meant to configure it.
    /// </summary>
    /// <param name="gateDbfs">When given, each Silero detector sits behind an <see cref="EnergyGatedVoiceActivityDetector"/>
    /// that skips frames quieter than this.</param>
    public static VoiceActivityDetectors Load(string? modelPath, double energyThresholdDbfs, ILogger logger, double? gateDbfs = null)
    {
        var path = string.IsNullOrWhiteSpace(modelPath) ? DefaultModelPath : modelPath;
        if (!File.Exists(path))
        {
            LogFallback(logger, path, SetupScript, energyThresholdDbfs);
            return new VoiceActivityDetectors(null, energyThresholdDbfs);
        }

        var model = SileroVadModel.Load(path);
        LogSilero(logger, path);
        return new VoiceActivityDetectors(model, energyThresholdDbfs, gateDbfs);
    }

    /// <summary>Energy detection only (no model).</summary>
    public static VoiceActivityDetectors EnergyOnly(double energyThresholdDbfs) => new(null, energyThresholdDbfs);

    public IVoiceActivityDetector Create() => _silero switch
    {
        null => new EnergyVoiceActivityDetector(_energyThresholdDbfs),
        { } model when _gateDbfs is { } gate => new EnergyGatedVoiceActivityDetector(model.CreateDetector(), gate),
        { } model => model.CreateDetector(),
    };

    public void Dispose() => _silero?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Silero VAD model at {Path}: speech is detected by level alone (RMS ≥ {ThresholdDbfs} dBFS), so noise keeps sessions open. Run {Script} to install the model")]
    private static partial void LogFallback(ILogger logger, string path, string script, double thresholdDbfs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Voice activity: Silero VAD from {Path}")]
    private static partial void LogSilero(ILogger logger, string path);
}
