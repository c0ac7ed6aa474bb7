namespace Scribe.Participants;

/// <summary>
/// Keeps a track's 16 kHz audio on its own clock when frames come with sample offsets (the agent path). A gap (no
/// packets while the speaker is silent, DTX) is written as silence, so the speaker's media time stays true and the
/// voice detector hears the pause that closes the utterance; an overlap (a frame starting before the previous one
/// ended) loses its repeated head. A gap longer than <see cref="MaxGapSamples"/> is not a pause but a broken offset:
/// the clock jumps over it unfilled (the stream's later times shift by the jump; nothing piles up).
/// </summary>
public sealed class PcmClock
{
    /// <summary>Five minutes of 16 kHz samples.</summary>
    public const long MaxGapSamples = 16_000L * 300;

    private long _next = -1;

    /// <summary>Where the next frame should start; -1 before the first.</summary>
    public long Next => _next;

    /// <summary>How to place a frame of <paramref name="count"/> samples at <paramref name="offset"/>.</summary>
    /// <returns>Silence to write before it, and how many of its leading samples to drop.</returns>
    public (long Silence, int Skip) Place(long offset, int count)
    {
        if (_next < 0)
        {
            // The first frame: the stream's origin is when the track was subscribed, which is where offsets count from.
            _next = offset + count;
            return (offset <= MaxGapSamples ? Math.Max(0, offset) : 0, 0);
        }

        var gap = offset - _next;
        if (gap > MaxGapSamples)
        {
            _next = offset + count;
            return (0, 0);
        }

        if (gap >= 0)
        {
            _next = offset + count;
            return (gap, 0);
        }

        var skip = (int)Math.Min(count, -gap);
        _next = Math.Max(_next, offset + count);
        return (0, skip);
    }
}
