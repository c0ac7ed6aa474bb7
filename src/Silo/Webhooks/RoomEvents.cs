using Scribe.LiveKit;

namespace Scribe.Silo.Webhooks;

/// <summary>Where a LiveKit webhook becomes a grain call: one room grain per room, and only human microphones.</summary>
public static class RoomEvents
{
    public static Task DispatchAsync(WebhookEvent webhook, IGrainFactory grains)
    {
        if (webhook.Room?.Name is not { Length: > 0 } roomName)
        {
            return Task.CompletedTask; // egress and ingress events may come without a room; nothing to route
        }

        var room = grains.GetGrain<IRoomGrain>(roomName);
        var participant = webhook.Participant is { } p && IsTranscribed(p) ? ToInfo(p) : null;
        return webhook.Event switch
        {
            "room_started" => room.StartAsync(),
            "room_finished" => room.FinishAsync(),
            "participant_joined" when participant is not null => room.ParticipantJoinedAsync(participant),
            "participant_left" or "participant_connection_aborted" when participant is not null => room.ParticipantLeftAsync(participant),
            "track_published" when participant is not null && IsMicrophone(webhook.Track) =>
                room.TrackPublishedAsync(participant, new TrackInfo(webhook.Track!.Sid, webhook.Track.Muted)),
            "track_unpublished" when participant is not null && webhook.Track is { } track => room.TrackUnpublishedAsync(participant, track.Sid),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>People are transcribed; agents, egress, ingress and SIP bridges are not.</summary>
    public static bool IsTranscribed(LiveKitParticipant participant) => participant.Kind == ParticipantKind.Standard;

    /// <summary>An audio track from a microphone (or from a client that does not say: audio is the default type).</summary>
    public static bool IsMicrophone(LiveKitTrack? track) =>
        track is { Type: TrackType.Audio, Source: TrackSource.Microphone or TrackSource.Unknown };

    private static ParticipantInfo ToInfo(LiveKitParticipant participant) =>
        new(participant.Identity, string.IsNullOrEmpty(participant.Name) ? participant.Identity : participant.Name, participant.Sid);
}
