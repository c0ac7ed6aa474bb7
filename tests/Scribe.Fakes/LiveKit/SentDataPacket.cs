using Scribe.LiveKit;

namespace Scribe.Fakes.LiveKit;

/// <summary>A data packet the fake LiveKit accepted through RoomService/SendData.</summary>
public sealed record SentDataPacket(string Room, byte[] Data, DataPacketKind Kind, IReadOnlyList<string> DestinationIdentities, string? Topic);
