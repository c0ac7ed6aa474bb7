using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scribe.Captions;
using Scribe.Fakes.LiveKit;
using Scribe.Participants;

namespace Scribe.Tests.Transcription;

/// <summary>The control routes as a meeting backend calls them, and the status messages the fake LiveKit was asked to send.</summary>
internal static class TranscriptionRoutes
{
    public static Uri Route(string room) => new($"/api/rooms/{Uri.EscapeDataString(room)}/transcription", UriKind.Relative);

    public static async Task<(HttpStatusCode Status, string Body)> PutAsync(HttpClient admin, string room, string? body = null)
    {
        using var content = new StringContent(body ?? "", Encoding.UTF8, "application/json");
        using var response = await admin.PutAsync(Route(room), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<TranscriptionStatus> StartAsync(HttpClient admin, string room, string? body = null)
    {
        var (status, text) = await PutAsync(admin, room, body);
        Assert.True(status == HttpStatusCode.OK, $"PUT answered {status}: {text}");
        return Parse(text);
    }

    public static async Task<TranscriptionStatus> StopAsync(HttpClient admin, string room)
    {
        using var response = await admin.DeleteAsync(Route(room));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"DELETE answered {response.StatusCode}: {text}");
        return Parse(text);
    }

    public static async Task<TranscriptionStatus> GetAsync(HttpClient admin, string room) =>
        (await admin.GetFromJsonAsync<TranscriptionStatus>(Route(room), JsonSerializerOptions.Web))!;

    public static TranscriptionStatus Parse(string json) => JsonSerializer.Deserialize<TranscriptionStatus>(json, JsonSerializerOptions.Web)!;

    /// <summary>The status messages sent into <paramref name="room"/> on the transcript topic, in order.</summary>
    public static IReadOnlyList<(bool Active, string? Language, IReadOnlyList<string> To)> StatusMessages(FakeLiveKitServer liveKit, string room) =>
        [.. liveKit.SentData
            .Where(p => p.Room == room && p.Topic == TranscriptDataMessage.Topic)
            .Select(p => (Packet: p, Json: JsonDocument.Parse(p.Data).RootElement))
            .Where(m => m.Json.GetProperty("type").GetString() == "status")
            .Select(m => (m.Json.GetProperty("active").GetBoolean(),
                m.Json.TryGetProperty("language", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null,
                m.Packet.DestinationIdentities))];
}
