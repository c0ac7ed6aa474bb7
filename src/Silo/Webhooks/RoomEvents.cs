using Microsoft.Extensions.Options;
using Scribe.LiveKit;
using Scribe.Participants;
using Scribe.Silo.Api;
using Scribe.Telemetry;

namespace Scribe.Silo.Webhooks;

/// <summary>
/// Where a LiveKit webhook becomes a grain call. Each event id is acted on once (the room's webhook ledger), stray
/// events of a finished room are dropped, and only the configured participant kinds' microphones are transcribed.
/// Every call here is a short grain turn: egress is started and stopped by the participant grains' timers.
/// </summary>
public sealed partial class RoomEvents(IGrainFactory grains, RoomReconciler reconciler, IOptions<LiveKitOptions> options, ScribeMetrics metrics, ILogger<RoomEvents> logger)
{
    public async Task<WebhookVerdict> DispatchAsync(WebhookEvent webhook)
    {
        var roomName = webhook.Room?.Name is { Length: > 0 } name ? name : webhook.EgressInfo?.RoomName;
        if (string.IsNullOrEmpty(roomName))
        {
            LogUnrouted(logger, webhook.Event, webhook.Id); // ingress events without a room: nothing of ours
            return WebhookVerdict.Accept;
        }

        if (RoomName.Problem(roomName) is { } problem)
        {
            // LiveKit lets control characters through: such a name would split our log lines, and no API route could
            // address the room. Acknowledged (a retry would change nothing) and left alone.
            LogRefusedName(logger, webhook.Event, RoomName.ForLog(roomName), problem);
            metrics.WebhooksIgnored.Add(1, new KeyValuePair<string, object?>("verdict", "invalidRoomName"));
            return WebhookVerdict.Accept;
        }

        var ledger = grains.GetGrain<IWebhookLedgerGrain>(roomName);
        var verdict = webhook.Id.Length == 0 ? WebhookVerdict.Accept : await ledger.AdmitAsync(webhook.Id, webhook.Event, webhook.Room?.Sid);
        if (verdict != WebhookVerdict.Accept)
        {
            metrics.WebhooksIgnored.Add(1, new KeyValuePair<string, object?>("verdict", verdict.ToString()));
            return verdict;
        }

        if (webhook.NumDropped > 0 && webhook.Event != "room_finished")
        {
            // LiveKit lost events before this one: ask it what the room looks like now.
            reconciler.Request(roomName);
        }

        var room = grains.GetGrain<IRoomGrain>(roomName);
        var participant = webhook.Participant is { } p && IsTranscribed(p) ? ToInfo(p) : null;
        switch (webhook.Event)
        {
            case "room_started":
                await room.StartAsync();
                break;
            case "room_finished":
                await room.FinishAsync();
                break;
            case "participant_joined" when participant is not null:
                await room.ParticipantJoinedAsync(participant);
                break;
            case "participant_left" or "participant_connection_aborted" when participant is not null:
                await Participant(roomName, participant.Identity).ParticipantLeftAsync(participant);
                break;
            case "track_published" when participant is not null && IsMicrophone(webhook.Track):
                await room.TrackPublishedAsync(participant, new TrackInfo(webhook.Track!.Sid, webhook.Track.Muted));
                break;
            case "track_unpublished" when participant is not null && webhook.Track is { } track:
                await Participant(roomName, participant.Identity).StopTrackAsync(track.Sid);
                break;
            case "egress_started" or "egress_updated" or "egress_ended" when webhook.EgressInfo is { EgressId.Length: > 0 } egress:
                await EgressChangedAsync(roomName, ledger, webhook.Event, egress);
                break;
            default:
                LogIgnored(logger, webhook.Event, RoomName.ForLog(roomName)); // ingress_*, and events of participants we do not transcribe
                break;
        }

        return verdict;
    }

    /// <summary>A final egress status we did not ask for reaches the participant that owns the egress id.</summary>
    private async Task EgressChangedAsync(string roomName, IWebhookLedgerGrain ledger, string eventName, EgressInfo egress)
    {
        var ended = eventName == "egress_ended" || egress.Status is EgressStatus.Complete or EgressStatus.Failed or EgressStatus.Aborted or EgressStatus.LimitReached;
        LogEgress(logger, eventName, egress.EgressId, egress.Status, RoomName.ForLog(roomName));
        if (!ended || await ledger.FindEgressOwnerAsync(egress.EgressId) is not { } identity)
        {
            return;
        }

        var failed = egress.Status is not EgressStatus.Complete;
        await Participant(roomName, identity).EgressEndedAsync(egress.EgressId, failed, egress.Error.Length > 0 ? egress.Error : egress.Status.ToString());
    }

    /// <summary>People are transcribed by default; agents, egress, ingress and SIP bridges only when configured; our own agent never.</summary>
    public bool IsTranscribed(LiveKitParticipant participant) => options.Value.Transcribes(participant.Kind, participant.Identity);

    /// <summary>An audio track from a microphone (or from a client that does not say: audio is the default type).</summary>
    public static bool IsMicrophone(LiveKitTrack? track) =>
        track is { Type: TrackType.Audio, Source: TrackSource.Microphone or TrackSource.Unknown };

    public static ParticipantInfo ToInfo(LiveKitParticipant participant) =>
        new(participant.Identity, string.IsNullOrEmpty(participant.Name) ? participant.Identity : participant.Name, participant.Sid);

    private IParticipantGrain Participant(string room, string identity) => grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(room, identity));

    [LoggerMessage(Level = LogLevel.Debug, Message = "LiveKit webhook {Event} ({Id}) names no room; nothing to do")]
    private static partial void LogUnrouted(ILogger logger, string @event, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LiveKit webhook {Event} for room {Room} ignored: {Problem}")]
    private static partial void LogRefusedName(ILogger logger, string @event, string room, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "LiveKit webhook {Event} for room {Room} accepted; nothing to do")]
    private static partial void LogIgnored(ILogger logger, string @event, string room);

    [LoggerMessage(Level = LogLevel.Debug, Message = "LiveKit {Event}: egress {EgressId} is {Status} in room {Room}")]
    private static partial void LogEgress(ILogger logger, string @event, string egressId, EgressStatus status, string room);
}
