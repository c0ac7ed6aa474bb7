using System.Threading.Channels;

namespace Scribe.Agent;

/// <summary>
/// What happens to the agent in one room (the contract's media → silo messages). Called on the media side's reader:
/// an implementation only records the event and returns.
/// </summary>
public interface IAgentRoomEvents
{
    /// <summary>A microphone of a participant we transcribe is subscribed; its audio comes on <see cref="AgentTrack.Frames"/>.</summary>
    void TrackSubscribed(AgentTrack track);

    void MuteChanged(int handle, bool muted);

    /// <summary>The track ended (unpublished, unsubscribed, participant left); its <see cref="AgentTrack.Frames"/> complete too.</summary>
    void TrackEnded(int handle, string reason);

    void ParticipantLeft(string identity, string participantSid);

    /// <summary>The SDK lost the SFU and is resuming.</summary>
    void Reconnecting();

    void Reconnected();

    /// <summary>
    /// The media side is about to join the room again on its own (after a media restart), with a token of its own:
    /// to LiveKit, the session the room was joined with is over. Called before that join is sent.
    /// </summary>
    void Rejoining();

    /// <summary>The agent is out of the room for good (the contract's <c>left</c>, its reason mapped to <paramref name="why"/>).</summary>
    void Left(AgentLeftReason why, string reason);
}

/// <summary>Why the agent is out of a room: only <see cref="Lost"/> is worth a rejoin.</summary>
public enum AgentLeftReason
{
    /// <summary>The SDK gave up reconnecting, the SFU connection or the media process died.</summary>
    Lost = 0,

    /// <summary>We asked to leave.</summary>
    Asked = 1,

    /// <summary>The room closed at LiveKit: joining again would open it again.</summary>
    RoomClosed = 2,

    /// <summary>Removed by the server or an operator (or a duplicate identity took our place).</summary>
    Removed = 3,
}

/// <summary>
/// A subscribed microphone (the contract's <c>track</c>). <paramref name="Kind"/> is LiveKit's kind name
/// (<c>standard</c>, <c>sip</c> …); <paramref name="Handle"/> is unique within the media process.
/// </summary>
public sealed record AgentTrack(
    int Handle, string Identity, string ParticipantSid, string Name, string Kind, string TrackSid, bool Muted, ChannelReader<PcmFrame> Frames);

/// <summary>
/// 16 kHz mono PCM of one track. <paramref name="SampleOffset"/> counts samples since the track's audio began, so a
/// gap (no packets during a speaker's silence) shows as an offset beyond the previous frame's end; a frame with no
/// samples says the silence has lasted up to its offset.
/// </summary>
public readonly record struct PcmFrame(long SampleOffset, ReadOnlyMemory<short> Samples);
