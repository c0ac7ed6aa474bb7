namespace Scribe.LiveKit;

/// <summary>LiveKit's ParticipantInfo.Kind; a standard participant arrives without a kind field. Values keep LiveKit's protobuf numbers.</summary>
public enum ParticipantKind
{
    Standard = 0,
    Ingress = 1,
    Egress = 2,
    Sip = 3,
    Agent = 4,
    Connector = 7,
    Bridge = 8,
}
