using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scribe.Audio;
using Scribe.Endpoints;
using Scribe.Ingest;
using Scribe.Realtime;

namespace Scribe.Participants;

/// <summary>
/// One speaker: asks LiveKit to egress the microphone track to this silo, and when egress connects, builds the
/// speaker stream (audio conversion + realtime transcription) that the ingest socket feeds.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The ingest socket that feeds a stream disposes it when it ends.")]
public sealed partial class ParticipantGrain(
    [PersistentState("participant", "state")] IPersistentState<ParticipantRecord> record,
    ITrackEgress egress,
    IngestAddress ingestAddress,
    SpeakerStreams streams,
    IEndpointPicker endpoints,
    IOptions<TranscriberOptions> transcriberOptions,
    VoiceActivityDetectors detectors,
    TimeProvider time,
    ILoggerFactory loggers) : Grain, IParticipantGrain
{
    private readonly ILogger _logger = loggers.CreateLogger<ParticipantGrain>();
    private SpeakerStream? _stream;
    private IGrainTimer? _watch;

    private ParticipantRecord State => record.State;

    public async Task StartTrackAsync(ParticipantInfo participant, TrackInfo track)
    {
        State.Room = ParticipantKey.RoomOf(this.GetPrimaryKeyString(), participant.Identity);
        State.Identity = participant.Identity;
        State.Name = string.IsNullOrEmpty(participant.Name) ? participant.Identity : participant.Name;
        if (State.TrackSid == track.Sid && State.EgressId is not null)
        {
            return; // LiveKit retried, or the room reconciled: one egress per track
        }

        if (State.EgressId is not null && State.TrackSid != track.Sid)
        {
            await StopTrackAsync(State.TrackSid!);
        }

        State.TrackSid = track.Sid;
        State.Error = null;
        var url = ingestAddress.For(State.Room, State.Identity, track.Sid);
        try
        {
            State.EgressId = await egress.StartAsync(State.Room, track.Sid, url, CancellationToken.None);
            LogEgressStarted(State.Room, State.Identity, track.Sid, State.EgressId);
        }
        catch (Exception e)
        {
            State.Error = $"egress could not start: {e.Message}";
            LogEgressFailed(e, State.Room, State.Identity, track.Sid);
        }

        await record.WriteStateAsync();
    }

    public async Task StopTrackAsync(string trackSid)
    {
        if (State.TrackSid != trackSid)
        {
            return;
        }

        if (State.EgressId is { } egressId)
        {
            try
            {
                await egress.StopAsync(egressId, CancellationToken.None);
            }
            catch (Exception e)
            {
                // The egress may have ended on its own already; the stream below stops either way.
                LogEgressStopFailed(e, State.Room, State.Identity, egressId);
            }
        }

        _stream?.Stop();
        State.EgressId = null;
        State.TrackSid = null;
        await record.WriteStateAsync();
    }

    public Task LeaveAsync() => State.TrackSid is { } track ? StopTrackAsync(track) : Task.CompletedTask;

    public async Task<bool> AttachIngestAsync(string trackSid)
    {
        if (State.TrackSid != trackSid)
        {
            return false;
        }

        if (_stream is { IsCompleted: false } && streams.TryGet(State.Room, State.Identity, trackSid, out var existing) && ReferenceEquals(existing, _stream))
        {
            return true;
        }

        var room = GrainFactory.GetGrain<IRoomGrain>(State.Room);
        State.ClockOrigin ??= await room.GetClockOriginAsync();
        State.Epoch++;
        await record.WriteStateAsync();

        var originMs = (long)(time.GetUtcNow() - State.ClockOrigin.Value).TotalMilliseconds;
        var speaker = new SpeakerContext(State.Room, State.Identity, State.Name, trackSid, State.Epoch, Math.Max(0, originMs));
        var publisher = new SegmentPublisher(room, loggers.CreateLogger<SegmentPublisher>());
        var transcriber = new SpeakerTranscriber(speaker, transcriberOptions.Value, endpoints, publisher, loggers.CreateLogger<SpeakerTranscriber>(), time, detectors.Create());
        _stream = new SpeakerStream(speaker, transcriber, publisher);
        if (!streams.TryAdd(_stream))
        {
            await _stream.DisposeAsync();
            _stream = null;
            return false;
        }

        // Stay active while audio flows; the watch lets go once the stream has ended.
        _watch ??= this.RegisterGrainTimer(WatchStreamAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) { KeepAlive = true });
        return true;
    }

    public Task<SpeakerStatus> GetStatusAsync()
    {
        var stream = _stream;
        var state = stream switch
        {
            null when State.Error is not null => SpeakerState.Error,
            null when State.EgressId is not null => SpeakerState.Starting,
            null => SpeakerState.Idle,
            _ => stream.Transcriber.State,
        };
        return Task.FromResult(new SpeakerStatus(
            State.Identity, State.Name, State.TrackSid, state, stream?.Transcriber.EndpointName, State.EgressId, stream?.Transcriber.Error ?? State.Error));
    }

    private Task WatchStreamAsync(CancellationToken cancellationToken)
    {
        if (_stream is { IsCompleted: true })
        {
            _stream = null;
        }

        if (_stream is null)
        {
            _watch?.Dispose();
            _watch = null;
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stream?.Stop();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: egress {EgressId} started for track {TrackSid}")]
    private partial void LogEgressStarted(string room, string identity, string trackSid, string egressId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity}: egress for track {TrackSid} could not start")]
    private partial void LogEgressFailed(Exception exception, string room, string identity, string trackSid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: stopping egress {EgressId} failed")]
    private partial void LogEgressStopFailed(Exception exception, string room, string identity, string egressId);
}
