using System.Text.Json.Serialization;

namespace Scribe.Silo.Api;

/// <summary>A room as <c>GET /api/rooms</c> and <c>GET /api/rooms/{room}</c> show it.</summary>
/// <param name="Speakers">Identities of the room's speakers.</param>
/// <param name="DurationSeconds">From start to finish, or to now while the room is active.</param>
/// <param name="SpeakerStatus">Each speaker's live status, with its usage; only in the single-room answer.</param>
/// <param name="Usage">The room's speech, generation and session seconds: its speakers' summed.</param>
public sealed record RoomView(
    string Name,
    RoomState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    double DurationSeconds,
    IReadOnlyList<string> Speakers,
    int SegmentCount,
    long Revision,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SpeakerStatus>? SpeakerStatus = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SpeakerUsage? Usage = null)
{
    public static RoomView Of(RoomSummary summary, DateTimeOffset now, IReadOnlyList<SpeakerStatus>? speakers = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var duration = (summary.FinishedAt ?? now) - summary.StartedAt;
        return new RoomView(
            summary.Name, summary.State, summary.StartedAt, summary.FinishedAt, Math.Round(Math.Max(0, duration.TotalSeconds), 3),
            summary.Speakers, summary.SegmentCount, summary.Revision, speakers,
            speakers?.Aggregate(SpeakerUsage.None, (total, s) => total.Plus(s.Usage)));
    }
}
