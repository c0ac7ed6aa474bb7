using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Scribe.Rooms;

/// <summary>
/// The <c>transcript.ready</c> event: a finished room's transcript is complete and stored. Its id is derived from
/// the room and its finish, so a room that enqueues it twice (its silo died in between) still sends one event.
/// </summary>
public static class TranscriptReady
{
    public const string Type = "transcript.ready";

    public static BackendNotification Of(RoomRecord room, RoomTranscript transcript, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(transcript);
        var finishedAt = room.FinishedAt ?? now;
        var path = "/api/rooms/" + Uri.EscapeDataString(room.Name) + "/transcript";
        var data = new
        {
            revision = transcript.Revision,
            segments = transcript.Segments.Count(s => s.IsFinal),
            durationSeconds = Math.Round(Math.Max(0, (finishedAt - (room.ClockOrigin ?? finishedAt)).TotalSeconds), 3),
            speakers = room.Speakers.Select(s => new { identity = s.Key, name = s.Value }),
            links = new { json = path, text = path + "?format=text", vtt = path + "?format=vtt", srt = path + "?format=srt" },
        };
        return new BackendNotification(IdOf(room.Name, finishedAt), Type, now, room.Name, JsonSerializer.Serialize(data));
    }

    private static string IdOf(string room, DateTimeOffset finishedAt)
    {
        var seed = string.Create(CultureInfo.InvariantCulture, $"{Type}\n{room}\n{finishedAt.ToUnixTimeMilliseconds()}");
        return "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16));
    }
}
