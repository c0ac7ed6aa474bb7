using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Scribe.LiveKit;

/// <summary>
/// One Twirp call to LiveKit: <c>POST {Url}/twirp/livekit.{Service}/{Method}</c> with a JSON body and a
/// fresh short-lived bearer token carrying only the grant the method needs.
/// </summary>
internal sealed partial class TwirpChannel
{
    /// <summary>Tokens for API calls live just long enough for a call and its retries.</summary>
    private static readonly TimeSpan CallTokenTtl = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;
    private readonly LiveKitOptions _options;
    private readonly ILogger _logger;

    public TwirpChannel(HttpClient http, LiveKitOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options;
        _logger = logger;
        BaseUri = ToHttpBase(options.Url);
    }

    public Uri BaseUri { get; }

    public async Task<TResponse> CallAsync<TResponse>(string service, string method, IMessage request, VideoGrant grant, CancellationToken ct)
        where TResponse : IMessage<TResponse>, new()
    {
        var token = new AccessToken(_options.ApiKey, _options.ApiSecret) { Ttl = CallTokenTtl, Grant = grant }.ToJwt();
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUri, $"twirp/livekit.{service}/{method}"))
        {
            Content = new StringContent(ProtoJson.Format(request), Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var error = ToException(service, method, (int)response.StatusCode, body);
            LogFailed(service, method, error.Code, error.HttpStatus, error.ServerMessage);
            throw error;
        }

        LogSucceeded(service, method);
        try
        {
            return body.Length == 0 ? new TResponse() : ProtoJson.Parse<TResponse>(Encoding.UTF8.GetString(body));
        }
        catch (Exception ex) when (ex is InvalidJsonException or InvalidProtocolBufferException)
        {
            throw new TwirpException("malformed", $"LiveKit {service}/{method} answered with a body that is not its JSON answer", (int)response.StatusCode)
            {
                ServerMessage = ex.Message,
            };
        }
    }

    /// <summary>LiveKit URLs are often given as ws(s)://; the API lives on the same host over http(s).</summary>
    internal static Uri ToHttpBase(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ArgumentException("LiveKit:Url is not set.", nameof(url));
        }

        var trimmed = url.Trim();
        if (trimmed.StartsWith("wss://", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = "https://" + trimmed["wss://".Length..];
        }
        else if (trimmed.StartsWith("ws://", StringComparison.OrdinalIgnoreCase))
        {
            trimmed = "http://" + trimmed["ws://".Length..];
        }

        var uri = new Uri(trimmed, UriKind.Absolute);
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"LiveKit:Url '{url}' is not an http(s) or ws(s) URL.", nameof(url));
        }

        // A trailing slash makes relative paths append to any base path instead of replacing its last segment.
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }

    internal static TwirpException ToException(string service, string method, int status, byte[] body)
    {
        string? code = null;
        string serverMessage;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
            {
                code = c.GetString();
            }

            serverMessage = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString() ?? ""
                : Encoding.UTF8.GetString(body);
        }
        catch (JsonException)
        {
            serverMessage = Encoding.UTF8.GetString(body).Trim();
        }

        code = string.IsNullOrEmpty(code) ? CodeFromStatus(status) : code;
        return new TwirpException(code, $"LiveKit {service}/{method} failed: {code} (HTTP {status}): {serverMessage}", status)
        {
            ServerMessage = serverMessage,
        };
    }

    /// <summary>The Twirp specification's reading of a non-Twirp error from an intermediary.</summary>
    private static string CodeFromStatus(int status) => status switch
    {
        400 => "internal",
        401 => "unauthenticated",
        403 => "permission_denied",
        404 => "bad_route",
        429 or 502 or 503 or 504 => "unavailable",
        >= 300 and < 400 => "internal",
        _ => "unknown",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "LiveKit {Service}/{Method} failed with {TwirpCode} ({HttpStatus}): {TwirpMessage}")]
    private partial void LogFailed(string service, string method, string twirpCode, int httpStatus, string twirpMessage);

    [LoggerMessage(Level = LogLevel.Debug, Message = "LiveKit {Service}/{Method} succeeded")]
    private partial void LogSucceeded(string service, string method);
}
