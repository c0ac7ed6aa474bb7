using System.Text.Json.Serialization;

namespace Scribe.LiveKit;

/// <summary>
/// The <c>video</c> claim of a LiveKit access token. Unset permissions stay null and are left out of
/// the JSON, so a token carries only what it grants.
/// </summary>
public sealed record VideoGrant
{
    [JsonPropertyName("roomCreate")] public bool? RoomCreate { get; init; }
    [JsonPropertyName("roomJoin")] public bool? RoomJoin { get; init; }
    [JsonPropertyName("roomList")] public bool? RoomList { get; init; }
    [JsonPropertyName("roomRecord")] public bool? RoomRecord { get; init; }
    [JsonPropertyName("roomAdmin")] public bool? RoomAdmin { get; init; }
    [JsonPropertyName("room")] public string? Room { get; init; }
    [JsonPropertyName("ingressAdmin")] public bool? IngressAdmin { get; init; }
    [JsonPropertyName("canPublish")] public bool? CanPublish { get; init; }

    /// <summary>Lower-case source names as LiveKit's tokens carry them: camera, microphone, screen_share, screen_share_audio.</summary>
    [JsonPropertyName("canPublishSources")] public IReadOnlyList<string>? CanPublishSources { get; init; }

    [JsonPropertyName("canSubscribe")] public bool? CanSubscribe { get; init; }
    [JsonPropertyName("canPublishData")] public bool? CanPublishData { get; init; }
    [JsonPropertyName("canUpdateOwnMetadata")] public bool? CanUpdateOwnMetadata { get; init; }
    [JsonPropertyName("hidden")] public bool? Hidden { get; init; }
    [JsonPropertyName("recorder")] public bool? Recorder { get; init; }
    [JsonPropertyName("agent")] public bool? Agent { get; init; }
    [JsonPropertyName("canSubscribeMetrics")] public bool? CanSubscribeMetrics { get; init; }
    [JsonPropertyName("destinationRoom")] public string? DestinationRoom { get; init; }
}
