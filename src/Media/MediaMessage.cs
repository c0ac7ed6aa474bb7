using System.Text.Json.Serialization;

namespace Scribe.Media;

/// <summary>
/// A JSON frame of the media channel (kind 1): one object whose <c>type</c> names the message. Silo → media:
/// join, leave, transcription, data. Media → silo: everything else.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = false)]
[JsonDerivedType(typeof(JoinMessage), "join")]
[JsonDerivedType(typeof(LeaveMessage), "leave")]
[JsonDerivedType(typeof(TranscriptionMessage), "transcription")]
[JsonDerivedType(typeof(DataMessage), "data")]
[JsonDerivedType(typeof(HelloMessage), "hello")]
[JsonDerivedType(typeof(ReadyMessage), "ready")]
[JsonDerivedType(typeof(JoinedMessage), "joined")]
[JsonDerivedType(typeof(JoinFailedMessage), "joinFailed")]
[JsonDerivedType(typeof(TrackMessage), "track")]
[JsonDerivedType(typeof(MutedMessage), "muted")]
[JsonDerivedType(typeof(TrackEndedMessage), "trackEnded")]
[JsonDerivedType(typeof(ParticipantLeftMessage), "participantLeft")]
[JsonDerivedType(typeof(ReconnectingMessage), "reconnecting")]
[JsonDerivedType(typeof(ReconnectedMessage), "reconnected")]
[JsonDerivedType(typeof(LeftMessage), "left")]
[JsonDerivedType(typeof(ErrorMessage), "error")]
public abstract record MediaMessage;

/// <summary>Join <paramref name="Room"/> (or, when already in it, replace the token). The token never reaches a log: see <see cref="ToString"/>.</summary>
public sealed record JoinMessage(string Room, string Url, string Token, string Identity, IReadOnlyList<string> TranscribeKinds) : MediaMessage
{
    public override string ToString() => $"join {{ Room = {Room}, Url = {Url}, Identity = {Identity}, TranscribeKinds = [{string.Join(", ", TranscribeKinds)}] }}";
}

public sealed record LeaveMessage(string Room) : MediaMessage;

/// <summary>A segment to publish as the legacy transcription packet and as an <c>lk.transcription</c> text stream on behalf of <paramref name="Speaker"/>.</summary>
public sealed record TranscriptionMessage(
    string Room, string Speaker, string TrackSid, string SegmentId, string Text, bool Final, long StartMs, long EndMs, string? Language = null) : MediaMessage;

/// <summary>A reliable data packet; <paramref name="Payload"/> travels as base64.</summary>
public sealed record DataMessage(string Room, string Topic, byte[] Payload) : MediaMessage;

/// <summary>The media process's first frame. The secret never reaches a log: see <see cref="ToString"/>.</summary>
public sealed record HelloMessage(string Secret, int Version, int Pid) : MediaMessage
{
    public override string ToString() => $"hello {{ Version = {Version}, Pid = {Pid} }}";
}

public sealed record ReadyMessage : MediaMessage;

public sealed record AgentParticipant(string Identity, string Sid, string Name, string Kind);

public sealed record JoinedMessage(string Room, string ParticipantSid, IReadOnlyList<AgentParticipant> Participants) : MediaMessage;

public sealed record JoinFailedMessage(string Room, string Error) : MediaMessage;

public sealed record TrackMessage(
    string Room, uint Handle, string Identity, string ParticipantSid, string Name, string Kind, string TrackSid, bool Muted) : MediaMessage;

public sealed record MutedMessage(string Room, uint Handle, bool Muted) : MediaMessage;

public sealed record TrackEndedMessage(string Room, uint Handle, string Reason) : MediaMessage;

public sealed record ParticipantLeftMessage(string Room, string Identity, string ParticipantSid) : MediaMessage;

public sealed record ReconnectingMessage(string Room) : MediaMessage;

public sealed record ReconnectedMessage(string Room) : MediaMessage;

public sealed record LeftMessage(string Room, string Reason) : MediaMessage;

public sealed record ErrorMessage(string Message, string? Room = null) : MediaMessage;
