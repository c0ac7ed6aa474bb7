using System.Security.Cryptography;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Proto = LiveKit.Proto;

namespace Scribe.LiveKit;

/// <summary>LiveKit's RoomService: list rooms and participants, and send data messages into a room.</summary>
public sealed partial class RoomServiceClient
{
    private const string Service = "RoomService";

    private readonly TwirpChannel _channel;
    private readonly ILogger _logger;

    public RoomServiceClient(HttpClient http, LiveKitOptions options, ILogger<RoomServiceClient>? logger = null)
    {
        _logger = logger ?? NullLogger<RoomServiceClient>.Instance;
        _channel = new TwirpChannel(http, options, _logger);
    }

    /// <summary>Lists active rooms, all of them when <paramref name="names"/> is null or empty.</summary>
    public async Task<IReadOnlyList<LiveKitRoom>> ListRoomsAsync(IReadOnlyList<string>? names, CancellationToken ct)
    {
        var request = new Proto.ListRoomsRequest { Names = { names ?? [] } };
        var response = await _channel.CallAsync<Proto.ListRoomsResponse>(Service, "ListRooms", request, new VideoGrant { RoomList = true }, ct).ConfigureAwait(false);
        return [.. response.Rooms.Select(LiveKitRoom.FromProto)];
    }

    public async Task<IReadOnlyList<LiveKitParticipant>> ListParticipantsAsync(string room, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var request = new Proto.ListParticipantsRequest { Room = room };
        var response = await _channel.CallAsync<Proto.ListParticipantsResponse>(Service, "ListParticipants", request, AdminOf(room), ct).ConfigureAwait(false);
        return [.. response.Participants.Select(LiveKitParticipant.FromProto)];
    }

    /// <summary>
    /// Sends a data packet to everyone in <paramref name="room"/> (or only to <paramref name="destinationIdentities"/>).
    /// Clients see it as a plain data message on <paramref name="topic"/>, not as a transcription.
    /// </summary>
    public async Task SendDataAsync(string room, ReadOnlyMemory<byte> data, DataPacketKind kind, IReadOnlyList<string>? destinationIdentities, string? topic, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var request = new Proto.SendDataRequest
        {
            Room = room,
            Data = ByteString.CopyFrom(data.Span),
            Kind = kind == DataPacketKind.Lossy ? Proto.DataPacket.Types.Kind.Lossy : Proto.DataPacket.Types.Kind.Reliable,
            DestinationIdentities = { destinationIdentities ?? [] },
            // LiveKit drops a packet whose nonce it has seen, so a retried call is delivered once.
            Nonce = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16)),
        };
        if (topic is not null)
        {
            request.Topic = topic;
        }

        await _channel.CallAsync<Proto.SendDataResponse>(Service, "SendData", request, AdminOf(room), ct).ConfigureAwait(false);
        LogDataSent(data.Length, kind, room, topic);
    }

    private static VideoGrant AdminOf(string room) => new() { RoomAdmin = true, Room = room };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent {Bytes} bytes of {DataKind} data to room {Room} on topic {Topic}")]
    private partial void LogDataSent(int bytes, DataPacketKind dataKind, string room, string? topic);
}
