namespace Scribe.Fakes.LiveKit;

/// <summary>A room as the stand-in SFU describes it (<c>GET /_standin/rooms/{room}</c>), hidden participants and agents included.</summary>
public sealed record StandInRoom(string Name, string Sid, IReadOnlyList<StandInParticipant> Participants);

/// <summary>One participant: SDK-connected (<see cref="Simulated"/> false) or played by the stand-in.</summary>
public sealed record StandInParticipant(
    string Identity,
    string Sid,
    string Name,
    string Kind,
    bool Hidden,
    bool Connected,
    bool Simulated,
    IReadOnlyList<StandInTrack> Tracks,
    IReadOnlyList<string> Subscriptions);

/// <summary>A published microphone, with how many RTP packets it has sent so far.</summary>
public sealed record StandInTrack(string Sid, string Name, bool Muted, long PacketsSent);
