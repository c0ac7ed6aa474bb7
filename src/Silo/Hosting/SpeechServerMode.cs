using Scribe.LocalSpeech;

namespace Scribe.Silo.Hosting;

/// <summary>
/// <c>Mode=speech</c>: the process serves only the local speech endpoint (vLLM's realtime protocol on
/// PocketSphinx), so several silos can share one. Configure silos with it as an ordinary inference endpoint.
/// </summary>
public static class SpeechServerMode
{
    public const string Key = "Mode";
    public const string Value = "speech";

    public static bool IsSelected(IConfiguration configuration) =>
        string.Equals(configuration[Key], Value, StringComparison.OrdinalIgnoreCase);

    /// <exception cref="InvalidConfigurationException">A <c>LocalSpeech:</c> setting is missing or wrong.</exception>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        builder.Services.AddLocalSpeech(ValidatedOptions.Bind<LocalSpeechOptions>(builder.Configuration, LocalSpeechOptions.Section));
        var app = builder.Build();
        app.MapLocalSpeech(EmbeddedLocalSpeech.Path);
        app.MapLocalSpeechHealth();
        return app;
    }
}
