namespace Scribe.Fakes.LiveKit;

/// <summary>
/// Plays LiveKit's webhook delivery for rooms on the stand-in SFU: each call turns the SFU's event log since the
/// last call (<c>room_started</c>, <c>participant_joined</c>/<c>_left</c>, <c>track_published</c>/<c>_unpublished</c>,
/// <c>room_finished</c>) into signed webhooks to <paramref name="webhookUrl"/>, in order, as LiveKit delivers them
/// (agents' events included: LiveKit sends those too). A delivery the silo does not answer 200 throws.
/// </summary>
public sealed class StandInWebhooks(StandInSfu sfu, LiveKitWebhookSender webhooks, Uri webhookUrl)
{
    private readonly Dictionary<string, Scribe.LiveKit.LiveKitRoom> _rooms = [];
    private int _sent;

    /// <summary>Sends the webhooks for every event logged since the last call; returns how many were sent.</summary>
    public async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        var events = await sfu.GetEventsAsync(cancellationToken);
        var sent = 0;
        foreach (var e in events.Skip(_sent))
        {
            _sent++;
            if (e.Room.Length == 0)
            {
                continue;
            }

            if (!_rooms.TryGetValue(e.Room, out var room))
            {
                room = new Scribe.LiveKit.LiveKitRoom { Name = e.Room, Sid = e.RoomSid };
                _rooms[e.Room] = room;
            }

            var participant = new Scribe.LiveKit.LiveKitParticipant
            {
                Identity = e.Identity ?? "",
                Sid = e.ParticipantSid ?? "",
                Name = e.Raw["participant"]?["name"]?.GetValue<string>() ?? "",
                Kind = e.Kind == "agent" ? Scribe.LiveKit.ParticipantKind.Agent : Scribe.LiveKit.ParticipantKind.Standard,
                State = Scribe.LiveKit.ParticipantState.Active,
            };
            var track = e.TrackSid is { } sid ? LiveKitWebhookSender.MicrophoneTrack(sid, e.Raw["track"]?["name"]?.GetValue<string>() ?? "") : null;
            var delivery = e.Event switch
            {
                "room_started" => webhooks.RoomStartedAsync(webhookUrl, room, cancellationToken),
                "participant_joined" => webhooks.ParticipantJoinedAsync(webhookUrl, room, participant, cancellationToken),
                "participant_left" => webhooks.ParticipantLeftAsync(webhookUrl, room, participant, cancellationToken),
                "track_published" => webhooks.TrackPublishedAsync(webhookUrl, room, participant, track!, cancellationToken),
                "track_unpublished" => webhooks.TrackUnpublishedAsync(webhookUrl, room, participant, track!, cancellationToken),
                "room_finished" => webhooks.RoomFinishedAsync(webhookUrl, room, cancellationToken),
                _ => null,
            };
            if (delivery is not null)
            {
                var answer = await delivery;
                if (answer.HttpStatus != 200)
                {
                    throw new InvalidOperationException($"the silo answered {answer.HttpStatus} to the {e.Event} webhook");
                }

                sent++;
            }
        }

        return sent;
    }
}
