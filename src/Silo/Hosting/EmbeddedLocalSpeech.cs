using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Scribe.LocalSpeech;

namespace Scribe.Silo.Hosting;

/// <summary>Marks a silo that hosts the local speech endpoint at <see cref="Path"/> and sends its speakers there.</summary>
public sealed class EmbeddedLocalSpeech
{
    public const string Path = "/v1/realtime";
    public const string HealthPrefix = "/local-speech";
    public const string EndpointName = "local";

    /// <summary>The key the embedded endpoint asks for when none is configured: an HMAC of a fixed label under the cluster's secret.</summary>
    public static string DeriveKey(byte[] clusterSecret) =>
        Convert.ToBase64String(HMACSHA256.HashData(clusterSecret, Encoding.UTF8.GetBytes("scribe/local-speech/v1")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static InferenceEndpoint Endpoint(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<LocalSpeechOptions>>().Value;
        var own = new UriBuilder(ScribeSilo.OwnUrl(services)) { Scheme = "ws", Path = Path };
        var health = new UriBuilder(ScribeSilo.OwnUrl(services)) { Path = HealthPrefix + "/" };
        return new InferenceEndpoint(EndpointName, own.Uri, options.ModelName, options.MaxSessions, options.ApiKey, health.Uri, MaxGenerations: options.MaxSessions);
    }
}
