using Microsoft.Extensions.Logging;

namespace Scribe.Media;

/// <summary>
/// The rooms the silo wants its media process in, and the tracks of the current run, keyed by handle. Turns what
/// the media process reports into the rooms' events. Frames are dispatched by one reader at a time.
/// </summary>
internal sealed class MediaRooms(ILogger logger, MediaMetrics? metrics)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AgentRoom> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, AgentTrack> _tracks = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _rooms.Count;
            }
        }
    }

    public void Add(AgentRoom room)
    {
        lock (_gate)
        {
            if (!_rooms.TryAdd(room.Name, room))
            {
                throw new InvalidOperationException($"The agent is already in room '{room.Name}' (or still leaving it).");
            }
        }
    }

    /// <summary>Marks <paramref name="room"/> as leaving; false when it is no longer registered (already left).</summary>
    public bool StartLeaving(AgentRoom room)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room.Name, out var known) || known != room)
            {
                return false;
            }

            room.Leaving = true;
            return true;
        }
    }

    /// <summary>The rooms to (re)join on a fresh run, each with a freshly minted token.</summary>
    public IReadOnlyList<AgentRoom> ToJoin()
    {
        lock (_gate)
        {
            return [.. _rooms.Values.Where(room => !room.Leaving)];
        }
    }

    public async ValueTask DispatchAsync(MediaFrame frame)
    {
        switch (frame)
        {
            case TrackAudioFrame audio:
                metrics?.Audio(audio.Pcm);
                if (_tracks.TryGetValue(audio.Handle, out var track))
                {
                    track.Write(audio.Pcm);
                }

                break;
            case MessageFrame { Message: var message }:
                await DispatchAsync(message);
                break;
        }
    }

    /// <summary>The media process is gone: its tracks end, and rooms that were leaving are left.</summary>
    public async ValueTask EndRunAsync()
    {
        foreach (var track in _tracks.Values.ToList())
        {
            await EndTrackAsync(track, "mediaRestarted");
        }

        List<AgentRoom> leaving;
        lock (_gate)
        {
            leaving = [.. _rooms.Values.Where(room => room.Leaving)];
        }

        foreach (var room in leaving)
        {
            await LeftAsync(room, "leave");
        }
    }

    private async ValueTask DispatchAsync(MediaMessage message)
    {
        switch (message)
        {
            case JoinedMessage m:
                await WithRoom(m.Room, "joined", room => room.Events.OnJoinedAsync(room, m.Participants));
                break;
            case JoinFailedMessage m:
                await WithRoom(m.Room, "joinFailed", room => room.Events.OnJoinFailedAsync(room, m.Error));
                break;
            case TrackMessage m:
                await WithRoom(m.Room, "track", room =>
                {
                    var track = new AgentTrack(room, m);
                    _tracks[m.Handle] = track;
                    return room.Events.OnTrackAsync(track);
                });
                break;
            case MutedMessage m when _tracks.TryGetValue(m.Handle, out var track):
                track.Muted = m.Muted;
                await Guard("muted", () => track.Room.Events.OnMutedAsync(track, m.Muted));
                break;
            case TrackEndedMessage m when _tracks.TryGetValue(m.Handle, out var track):
                await EndTrackAsync(track, m.Reason);
                break;
            case ParticipantLeftMessage m:
                await WithRoom(m.Room, "participantLeft", room => room.Events.OnParticipantLeftAsync(room, m.Identity, m.ParticipantSid));
                break;
            case ReconnectingMessage m:
                await WithRoom(m.Room, "reconnecting", room => room.Events.OnReconnectingAsync(room));
                break;
            case ReconnectedMessage m:
                await WithRoom(m.Room, "reconnected", room => room.Events.OnReconnectedAsync(room));
                break;
            case LeftMessage m:
                await WithRoom(m.Room, "left", room => LeftAsync(room, m.Reason));
                break;
            case ErrorMessage m:
                MediaLog.ChildError(logger, m.Room ?? "-", ChildLogLine.Redact(m.Message));
                break;
            default:
                MediaLog.Unexpected(logger, message.GetType().Name);
                break;
        }
    }

    private async ValueTask LeftAsync(AgentRoom room, string reason)
    {
        foreach (var track in _tracks.Values.Where(track => track.Room == room).ToList())
        {
            await EndTrackAsync(track, reason);
        }

        lock (_gate)
        {
            if (_rooms.TryGetValue(room.Name, out var known) && known == room)
            {
                _rooms.Remove(room.Name);
            }
        }

        await Guard("left", () => room.Events.OnLeftAsync(room, reason));
        room.MarkLeft();
    }

    private ValueTask EndTrackAsync(AgentTrack track, string reason)
    {
        _tracks.Remove(track.Handle);
        track.End();
        return Guard("trackEnded", () => track.Room.Events.OnTrackEndedAsync(track, reason));
    }

    private ValueTask WithRoom(string name, string type, Func<AgentRoom, ValueTask> act)
    {
        AgentRoom? room;
        lock (_gate)
        {
            _rooms.TryGetValue(name, out room);
        }

        if (room is null)
        {
            MediaLog.UnknownRoom(logger, type, name);
            return ValueTask.CompletedTask;
        }

        return Guard(type, () => act(room));
    }

    private async ValueTask Guard(string type, Func<ValueTask> act)
    {
        try
        {
            await act();
        }
        catch (Exception ex)
        {
            MediaLog.HandlerFailed(logger, ex, type);
        }
    }
}
