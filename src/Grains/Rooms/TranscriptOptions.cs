using System.ComponentModel.DataAnnotations;

namespace Scribe.Rooms;

/// <summary>How long transcripts are kept (configuration section <c>Transcripts</c>).</summary>
public sealed class TranscriptOptions
{
    public const string Section = "Transcripts";

    /// <summary>Hours a finished room and its transcript are kept; then both are dropped.</summary>
    [Range(0.0001, 1_000_000, ErrorMessage = "Transcripts:RetentionHours must be a positive number of hours.")]
    public double RetentionHours { get; set; } = 168;

    public TimeSpan Retention => TimeSpan.FromHours(RetentionHours);

    /// <summary>How often the directory looks for rooms to drop: a quarter of the retention, between 1 s and 10 min.</summary>
    public TimeSpan SweepPeriod => TimeSpan.FromTicks(Math.Clamp(Retention.Ticks / 4, TimeSpan.TicksPerSecond, 10 * TimeSpan.TicksPerMinute));
}
