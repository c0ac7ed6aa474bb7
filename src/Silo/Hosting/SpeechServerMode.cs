using System.Net;
using Scribe.LocalSpeech;

namespace Scribe.Silo.Hosting;

/// <summary>
/// <c>Mode=speech</c>: the process serves only the local speech endpoint (vLLM's realtime protocol on
/// PocketSphinx), so several silos can share one. Configure silos with it as an ordinary inference endpoint.
/// Reachable from other machines it needs <c>LocalSpeech:ApiKey</c>; without one it may listen on loopback only.
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
        ArgumentNullException.ThrowIfNull(builder);
        var options = ValidatedOptions.Bind<LocalSpeechOptions>(builder.Configuration, LocalSpeechOptions.Section);
        if (options.ApiKey is null && !ListensOnLoopbackOnly(builder.Configuration))
        {
            throw new InvalidConfigurationException(
                $"{LocalSpeechOptions.Section}:ApiKey is required when Mode=speech listens beyond loopback: set a key (and give it to the silos' "
                + "Inference:Endpoints:N:ApiKey), or listen on 127.0.0.1 or localhost only.");
        }

        builder.Services.AddLocalSpeech(options);
        var app = builder.Build();
        app.MapLocalSpeech(EmbeddedLocalSpeech.Path);
        app.MapLocalSpeechHealth();
        return app;
    }

    /// <summary>Whether every address Kestrel will bind (<c>urls</c>, <c>http_ports</c>, <c>Kestrel:Endpoints</c>) is a loopback one.</summary>
    internal static bool ListensOnLoopbackOnly(IConfiguration configuration)
    {
        if (!string.IsNullOrEmpty(configuration["http_ports"]) || !string.IsNullOrEmpty(configuration["https_ports"]))
        {
            return false; // ports alone bind every interface
        }

        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"] ?? ""));
        return urls.All(IsLoopback);
    }

    private static bool IsLoopback(string url)
    {
        var host = url.Split("://", 2) is [_, var rest] ? rest : url;
        host = host.Split('/', 2)[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
