namespace Scribe.Tests.Infrastructure;

/// <summary>The Silero model at its default cache path, loaded once for a test class.</summary>
public sealed class SileroModelFixture : IDisposable
{
    private readonly Lazy<SileroVadModel> _model = new(() =>
    {
        var path = VoiceActivityDetectors.DefaultModelPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The Silero VAD model is not at {path}: run {VoiceActivityDetectors.SetupScript}.");
        }

        return SileroVadModel.Load(path);
    });

    public SileroVadModel Model => _model.Value;

    public static string ModelPath => VoiceActivityDetectors.DefaultModelPath;

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }
}
