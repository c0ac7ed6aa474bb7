using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scribe.LiveKit;
using Proto = LiveKit.Proto;

namespace Scribe.Fakes.LiveKit;

/// <summary>Rooms, participants and their tracks, and LiveKit's RoomService (ListRooms, ListParticipants, SendData).</summary>
public sealed partial class FakeLiveKitServer
{
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<SentDataPacket> _sentData = new();

    /// <summary>Puts a participant in a room, creating the room on first use. Returns what LiveKit would report.</summary>
    public LiveKitParticipant AddParticipant(string room, string identity, string name = "", ParticipantKind kind = ParticipantKind.Standard)
    {
        lock (_gate)
        {
            var r = RoomOrCreate(room);
            if (!r.Participants.TryGetValue(identity, out var participant))
            {
                participant = new Participant("PA_" + NewId(), identity, name, kind, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                r.Participants[identity] = participant;
            }

            return participant.ToInfo();
        }
    }

    /// <summary>
    /// Publishes a microphone track whose audio is <paramref name="pcm48kStereo"/> (48 kHz, 2 channels,
    /// s16le interleaved); a track egress of it streams exactly these bytes, less any muted stretch.
    /// </summary>
    public LiveKitTrack AddAudioTrack(string room, string identity, string trackSid, ReadOnlyMemory<byte> pcm48kStereo, EgressAudioScript? script = null)
    {
        AddParticipant(room, identity);
        lock (_gate)
        {
            var track = new Track(trackSid, pcm48kStereo, script ?? EgressAudioScript.Default, Pace, Stopwatch.GetTimestamp());
            _rooms[room].Participants[identity].Tracks[trackSid] = track;
            return track.ToInfo();
        }
    }

    /// <summary>Unpublishes a track; its running egresses end normally, as LiveKit's do.</summary>
    public void UnpublishTrack(string room, string trackSid)
    {
        List<Egress> ending;
        lock (_gate)
        {
            if (_rooms.TryGetValue(room, out var r))
            {
                foreach (var participant in r.Participants.Values)
                {
                    participant.Tracks.Remove(trackSid);
                }
            }

            ending = [.. _egresses.Values.Where(e => e.RoomName == room && e.TrackId == trackSid && e.Status is EgressStatus.Starting or EgressStatus.Active)];
        }

        foreach (var egress in ending)
        {
            egress.Stop.Cancel();
        }
    }

    /// <summary>A participant leaves: its tracks are unpublished (their egresses end normally) and it is no longer listed.</summary>
    public void RemoveParticipant(string room, string identity)
    {
        List<string> tracks;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var r) || !r.Participants.TryGetValue(identity, out var participant))
            {
                return;
            }

            tracks = [.. participant.Tracks.Keys];
        }

        foreach (var track in tracks)
        {
            UnpublishTrack(room, track);
        }

        lock (_gate)
        {
            _rooms[room].Participants.Remove(identity);
        }
    }

    public LiveKitRoom GetRoom(string room)
    {
        lock (_gate)
        {
            return _rooms[room].ToInfo();
        }
    }

    public LiveKitParticipant GetParticipant(string room, string identity)
    {
        lock (_gate)
        {
            return _rooms[room].Participants[identity].ToInfo();
        }
    }

    private Reply ListRooms(Proto.ListRoomsRequest request)
    {
        var names = request.Names;
        List<LiveKitRoom> rooms;
        lock (_gate)
        {
            rooms = [.. _rooms.Values.Where(r => names.Count == 0 || names.Contains(r.Name)).Select(r => r.ToInfo())];
        }

        return Reply.Ok(new JsonObject
        {
            ["rooms"] = new JsonArray([.. rooms.Select(r => (JsonNode?)LiveKitProtoJson.Room(r, ProtoJsonStyle.TwirpResponse))]),
        });
    }

    private Reply ListParticipants(Proto.ListParticipantsRequest request)
    {
        List<LiveKitParticipant> participants;
        lock (_gate)
        {
            if (!_rooms.TryGetValue(request.Room, out var room))
            {
                return Reply.Error("not_found", "requested room does not exist");
            }

            participants = [.. room.Participants.Values.Select(p => p.ToInfo())];
        }

        return Reply.Ok(new JsonObject
        {
            ["participants"] = new JsonArray([.. participants.Select(p => (JsonNode?)LiveKitProtoJson.Participant(p, ProtoJsonStyle.TwirpResponse))]),
        });
    }

    private Reply SendData(Proto.SendDataRequest request)
    {
        var roomName = request.Room;
        lock (_gate)
        {
            if (!_rooms.ContainsKey(roomName))
            {
                return Reply.Error("not_found", "requested room does not exist");
            }
        }

        _sentData.Enqueue(new SentDataPacket(
            roomName,
            request.Data.ToByteArray(),
            ProtoJson.Known<DataPacketKind>((int)request.Kind),
            [.. request.DestinationIdentities],
            request.HasTopic ? request.Topic : null));
        return Reply.Ok(new JsonObject());
    }

    private Room RoomOrCreate(string name)
    {
        if (!_rooms.TryGetValue(name, out var room))
        {
            room = new Room("RM_" + NewId(), name, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            _rooms[name] = room;
        }

        return room;
    }

    private sealed class Room(string sid, string name, long creationTime)
    {
        public string Sid { get; } = sid;
        public string Name { get; } = name;
        public Dictionary<string, Participant> Participants { get; } = new(StringComparer.Ordinal);

        public LiveKitRoom ToInfo() => new()
        {
            Sid = Sid,
            Name = Name,
            CreationTime = creationTime,
            NumParticipants = Participants.Count,
            NumPublishers = Participants.Values.Count(p => p.Tracks.Count > 0),
        };
    }

    private sealed class Participant(string sid, string identity, string name, ParticipantKind kind, long joinedAt)
    {
        public Dictionary<string, Track> Tracks { get; } = new(StringComparer.Ordinal);

        public LiveKitParticipant ToInfo() => new()
        {
            Sid = sid,
            Identity = identity,
            Name = name,
            Kind = kind,
            State = ParticipantState.Active,
            JoinedAt = joinedAt,
            Tracks = [.. Tracks.Values.Select(t => t.ToInfo())],
        };
    }

    private sealed class Track(string sid, ReadOnlyMemory<byte> pcm, EgressAudioScript script, double pace, long publishedAt)
    {
        public string Sid { get; } = sid;
        public ReadOnlyMemory<byte> Pcm { get; } = pcm;
        public EgressAudioScript Script { get; } = script;

        /// <summary>How far a live track has played since it was published, as a whole-sample byte offset.</summary>
        public long LivePosition()
        {
            var played = (long)(Stopwatch.GetElapsedTime(publishedAt).TotalSeconds * pace * EgressSimulator.BytesPerSecond);
            return Math.Min(played / 4 * 4, Pcm.Length);
        }

        public LiveKitTrack ToInfo() => new()
        {
            Sid = Sid,
            Type = TrackType.Audio,
            Source = TrackSource.Microphone,
            MimeType = "audio/opus",
            Stereo = true,
        };
    }
}
