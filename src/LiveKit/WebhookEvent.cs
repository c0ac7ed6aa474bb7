using Proto = LiveKit.Proto;

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

    internal static WebhookEvent FromProto(Proto.WebhookEvent webhook) => new()
    {
        Event = webhook.Event,
        Id = webhook.Id,
        CreatedAt = webhook.CreatedAt,
#pragma warning disable CS0612 // Deprecated by LiveKit, still sent; we count the losses it reports.
        NumDropped = webhook.NumDropped,
#pragma warning restore CS0612
        Room = webhook.Room is { } room ? LiveKitRoom.FromProto(room) : null,
        Participant = webhook.Participant is { } participant ? LiveKitParticipant.FromProto(participant) : null,
        Track = webhook.Track is { } track ? LiveKitTrack.FromProto(track) : null,
        EgressInfo = webhook.EgressInfo is { } egress ? EgressInfo.FromProto(egress) : null,
    };
}
