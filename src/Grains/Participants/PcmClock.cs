namespace Scribe.Participants;

/// <summary>
/// Places a track's 16 kHz frames on the speaker stream's clock when they come with sample offsets (the agent path),
/// so the stream's media time stays true and its voice detector hears the pauses:
/// <list type="bullet">
/// <item>a gap in the offsets (no packets while the speaker is silent, DTX) is written as silence;</item>
/// <item>while no frame comes at all, the feeder writes silence as time passes (<see cref="FillIdle"/>), so the last
/// utterance before a silence closes without waiting for the next word; a frame that then arrives is placed right
/// after that silence (the clock shifts by what was filled ahead), never over it;</item>
/// <item>a frame overlapping audio already written loses its repeated head;</item>
/// <item>a gap longer than <see cref="MaxGapSamples"/> is a broken offset, not a pause: the clock jumps over it unfilled.</item>
/// </list>
/// </summary>
public sealed class PcmClock
{
    /// <summary>Five minutes of 16 kHz samples.</summary>
    public const long MaxGapSamples = 16_000L * 300;

    private long _written;
    private long _shift;
    private long _realEnd;

    /// <summary>Samples written to the stream so far, silence included: its media clock.</summary>
    public long Written => _written;

    /// <summary>How to place a frame of <paramref name="count"/> samples at <paramref name="offset"/>.</summary>
    /// <returns>Silence to write before it, and how many of its leading samples to drop.</returns>
    public (long Silence, int Skip) Place(long offset, int count)
    {
        var skip = (int)Math.Clamp(_realEnd - offset, 0, count);
        var start = offset + skip + _shift;
        if (start < _written)
        {
            _shift += _written - start; // silence filled ahead while waiting covers this frame's place
            start = _written;
        }

        var gap = start - _written;
        if (gap > MaxGapSamples)
        {
            _shift -= gap;
            start = _written;
            gap = 0;
        }

        _written = start + (count - skip);
        _realEnd = Math.Max(_realEnd, offset + count);
        return (gap, skip);
    }

    /// <summary>The feeder writes <paramref name="samples"/> of silence because nothing came for that long.</summary>
    public void FillIdle(long samples) => _written += samples;
}
