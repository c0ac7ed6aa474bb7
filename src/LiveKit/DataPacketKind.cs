namespace Scribe.LiveKit;

/// <summary>LiveKit's DataPacket.Kind for SendData. Values keep LiveKit's protobuf numbers.</summary>
public enum DataPacketKind
{
    Reliable = 0,
    Lossy = 1,
}
