namespace Scribe.Participants;

/// <summary>
/// Places a track's 16 kHz frames on the speaker stream's clock by their sample offsets (the agent path), so the
/// stream's media time stays true and its voice detector hears the pauses:
/// <list type="bullet">
/// <item>a gap in the offsets (no packets while the speaker is silent, DTX) is written as silence; a frame with no
/// samples (the media side's mark that time passed in silence) makes the gap up to its offset;</item>
/// <item>a frame overlapping audio already written loses its repeated head; one wholly behind is dropped;</item>
/// <item>a gap longer than <see cref="MaxGapSamples"/> is a broken offset, not a pause: the clock jumps over it
/// unfilled; an offset that far behind means the offsets started again (they wrap after 74 hours): the clock goes on
/// from that frame.</item>
/// </list>
/// </summary>
public sealed class PcmClock
{
    /// <summary>Five minutes of 16 kHz samples.</summary>
    public const long MaxGapSamples = 16_000L * 300;

    // Written == _realEnd + _shift after every placement: the stream's clock is the track's, moved by the jumps.
    private long _written;
    private long _shift;
    private long _realEnd;

    /// <summary>Samples written to the stream so far, silence included: its media clock.</summary>
    public long Written => _written;

    /// <summary>How to place a frame of <paramref name="count"/> samples at <paramref name="offset"/>.</summary>
    /// <returns>Silence to write before it, and how many of its leading samples to drop.</returns>
    public (long Silence, int Skip) Place(long offset, int count)
    {
        if (_realEnd - offset > MaxGapSamples)
        {
            _shift += _realEnd - offset;
            _realEnd = offset;
        }

        var end = offset + count;
        if (end <= _realEnd)
        {
            return (0, count);
        }

        var skip = (int)Math.Max(_realEnd - offset, 0);
        var gap = offset + skip + _shift - _written;
        if (gap > MaxGapSamples)
        {
            _shift -= gap;
            gap = 0;
        }

        _written += gap + count - skip;
        _realEnd = end;
        return (gap, skip);
    }
}
