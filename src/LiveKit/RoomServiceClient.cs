using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
        var request = new JsonObject { ["names"] = new JsonArray([.. (names ?? []).Select(n => (JsonNode?)JsonValue.Create(n))]) };
        var response = await _channel.CallAsync(Service, "ListRooms", request, new VideoGrant { RoomList = true }, ct).ConfigureAwait(false);
        return response.GetList("rooms", LiveKitRoom.FromProtoJson);
    }

    public async Task<IReadOnlyList<LiveKitParticipant>> ListParticipantsAsync(string room, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var request = new JsonObject { ["room"] = room };
        var response = await _channel.CallAsync(Service, "ListParticipants", request, AdminOf(room), ct).ConfigureAwait(false);
        return response.GetList("participants", LiveKitParticipant.FromProtoJson);
    }

    /// <summary>
    /// Sends a data packet to everyone in <paramref name="room"/> (or only to <paramref name="destinationIdentities"/>).
    /// Clients see it as a plain data message on <paramref name="topic"/>, not as a transcription.
    /// </summary>
    public async Task SendDataAsync(string room, ReadOnlyMemory<byte> data, DataPacketKind kind, IReadOnlyList<string>? destinationIdentities, string? topic, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        var request = new JsonObject
        {
            ["room"] = room,
            ["data"] = Convert.ToBase64String(data.Span),
            ["kind"] = kind == DataPacketKind.Lossy ? "LOSSY" : "RELIABLE",
            ["destination_identities"] = new JsonArray([.. (destinationIdentities ?? []).Select(i => (JsonNode?)JsonValue.Create(i))]),
            // LiveKit drops a packet whose nonce it has seen, so a retried call is delivered once.
            ["nonce"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
        };
        if (topic is not null)
        {
            request["topic"] = topic;
        }

        await _channel.CallAsync(Service, "SendData", request, AdminOf(room), ct).ConfigureAwait(false);
        LogDataSent(data.Length, kind, room, topic);
    }

    private static VideoGrant AdminOf(string room) => new() { RoomAdmin = true, Room = room };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent {Bytes} bytes of {DataKind} data to room {Room} on topic {Topic}")]
    private partial void LogDataSent(int bytes, DataPacketKind dataKind, string room, string? topic);
}
