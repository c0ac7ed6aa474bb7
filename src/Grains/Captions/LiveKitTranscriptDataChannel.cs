using Scribe.LiveKit;

namespace Scribe.Captions;

/// <summary>Transcript messages through RoomService/SendData: reliable packets on our documented topic.</summary>
public sealed class LiveKitTranscriptDataChannel(RoomServiceClient rooms) : ITranscriptDataChannel
{
    public Task SendAsync(string room, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        rooms.SendDataAsync(room, payload, DataPacketKind.Reliable, null, TranscriptDataMessage.Topic, cancellationToken);

    public Task SendToAsync(string room, string identity, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        rooms.SendDataAsync(room, payload, DataPacketKind.Reliable, [identity], TranscriptDataMessage.Topic, cancellationToken);
}
