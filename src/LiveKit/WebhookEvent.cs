using System.Text.Json;

namespace Scribe.LiveKit;

/// <summary>
/// A LiveKit webhook. <see cref="Id"/> is unique per event and LiveKit retries deliveries, so handle
/// each id once; <see cref="CreatedAt"/> is unix seconds; <see cref="NumDropped"/> counts events lost before this one.
/// </summary>
public sealed record WebhookEvent
{
    public string Event { get; init; } = "";
    public string Id { get; init; } = "";
    public long CreatedAt { get; init; }
    public int NumDropped { get; init; }
    public LiveKitRoom? Room { get; init; }
    public LiveKitParticipant? Participant { get; init; }
    public LiveKitTrack? Track { get; init; }
    public EgressInfo? EgressInfo { get; init; }

    internal static WebhookEvent FromProtoJson(JsonElement json) => new()
    {
        Event = json.GetString("event"),
        Id = json.GetString("id"),
        CreatedAt = json.GetInt64("created_at"),
        NumDropped = json.GetInt32("num_dropped"),
        Room = json.GetMessage("room") is { } room ? LiveKitRoom.FromProtoJson(room) : null,
        Participant = json.GetMessage("participant") is { } participant ? LiveKitParticipant.FromProtoJson(participant) : null,
        Track = json.GetMessage("track") is { } track ? LiveKitTrack.FromProtoJson(track) : null,
        EgressInfo = json.GetMessage("egress_info") is { } egress ? EgressInfo.FromProtoJson(egress) : null,
    };
}
