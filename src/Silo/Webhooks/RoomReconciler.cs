using Microsoft.Extensions.Options;
using Scribe.LiveKit;
using Scribe.Participants;
using Scribe.Silo.Api;
using Scribe.Telemetry;

namespace Scribe.Silo.Webhooks;

/// <summary>
/// Brings a room back in line with LiveKit after webhooks were lost: lists the room's participants and starts the
/// microphones we miss and stops the ones that are gone. It runs in the background (the webhook that noticed the
/// gap does not wait for it), one pass per room at a time; a request during a pass runs one more pass after it.
/// Every grain call it makes is idempotent, so a pass that races the webhooks does no harm.
/// </summary>
public sealed partial class RoomReconciler(
    IGrainFactory grains, RoomServiceClient roomService, IOptions<LiveKitOptions> options, ScribeMetrics metrics, ILogger<RoomReconciler> logger, IHostApplicationLifetime lifetime)
{
    private readonly Dictionary<string, bool> _running = new(StringComparer.Ordinal); // room → another pass wanted
    private readonly Lock _gate = new();

    public void Request(string room)
    {
        lock (_gate)
        {
            if (_running.ContainsKey(room))
            {
                _running[room] = true;
                return;
            }

            _running[room] = false;
        }

        _ = Task.Run(() => RunAsync(room));
    }

    private async Task RunAsync(string room)
    {
        while (true)
        {
            try
            {
                await ReconcileAsync(room, lifetime.ApplicationStopping);
            }
            catch (Exception e) when (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                LogFailed(logger, e, RoomName.ForLog(room));
            }
            catch (OperationCanceledException)
            {
            }

            lock (_gate)
            {
                if (!_running[room] || lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    _running.Remove(room);
                    return;
                }

                _running[room] = false;
            }
        }
    }

    public async Task ReconcileAsync(string room, CancellationToken cancellationToken)
    {
        metrics.Reconciliations.Add(1);
        var roomGrain = grains.GetGrain<IRoomGrain>(room);
        IReadOnlyList<LiveKitParticipant> present;
        try
        {
            present = await roomService.ListParticipantsAsync(room, cancellationToken);
        }
        catch (TwirpException e) when (e.Code == "not_found")
        {
            // The room is gone at LiveKit: its room_finished was among the lost events.
            LogRoomGone(logger, RoomName.ForLog(room));
            await roomGrain.FinishAsync();
            return;
        }

        var transcribed = present.Where(p => options.Value.Transcribes(p.Kind, p.Identity)).ToList();
        var started = 0;
        var stopped = 0;
        foreach (var participant in transcribed)
        {
            var info = RoomEvents.ToInfo(participant);
            if (participant.Tracks.FirstOrDefault(RoomEvents.IsMicrophone) is { } microphone)
            {
                await roomGrain.TrackPublishedAsync(info, new TrackInfo(microphone.Sid, microphone.Muted));
                started++;
            }
            else if ((await Participant(room, participant.Identity).GetStatusAsync()).TrackSid is { } stale)
            {
                await Participant(room, participant.Identity).StopTrackAsync(stale);
                stopped++;
            }
        }

        var known = (await roomGrain.GetSummaryAsync())?.Speakers ?? [];
        var gone = known.Except(transcribed.Select(p => p.Identity), StringComparer.Ordinal).ToList();
        foreach (var identity in gone)
        {
            await Participant(room, identity).ParticipantLeftAsync(new ParticipantInfo(identity, identity, "")); // gone, its session unknown
        }

        LogReconciled(logger, RoomName.ForLog(room), transcribed.Count, started, stopped + gone.Count);
    }

    private IParticipantGrain Participant(string room, string identity) => grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(room, identity));

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} reconciled with LiveKit: {Present} speakers present, {Published} microphones confirmed, {Stopped} stopped")]
    private static partial void LogReconciled(ILogger logger, string room, int present, int published, int stopped);

    [LoggerMessage(Level = LogLevel.Information, Message = "Room {Room} no longer exists at LiveKit; finishing it")]
    private static partial void LogRoomGone(ILogger logger, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling room {Room} with LiveKit failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string room);
}
