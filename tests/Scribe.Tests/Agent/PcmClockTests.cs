using Scribe.Participants;

namespace Scribe.Tests.Agent;

/// <summary>How frames with sample offsets are placed on a speaker stream's clock: gaps as silence, overlaps trimmed, broken offsets jumped.</summary>
public sealed class PcmClockTests
{
    [Fact]
    public void Consecutive_frames_need_no_silence()
    {
        var clock = new PcmClock();

        Assert.Equal((0, 0), clock.Place(0, 320));
        Assert.Equal((0, 0), clock.Place(320, 320));
        Assert.Equal(640, clock.Written);
    }

    [Fact]
    public void A_gap_in_the_offsets_is_written_as_silence_of_its_length()
    {
        var clock = new PcmClock();
        clock.Place(0, 320);

        Assert.Equal((16_000 - 320, 0), clock.Place(16_000, 320)); // a second without packets (DTX)
        Assert.Equal(16_320, clock.Written);
    }

    [Fact]
    public void The_first_frame_late_in_the_track_is_preceded_by_silence_from_the_subscription()
    {
        Assert.Equal((4_800, 0), new PcmClock().Place(4_800, 320));
    }

    [Fact]
    public void An_overlapping_frame_loses_its_repeated_head()
    {
        var clock = new PcmClock();
        clock.Place(0, 320);

        Assert.Equal((0, 120), clock.Place(200, 320));
        Assert.Equal((0, 320), clock.Place(100, 320)); // wholly repeated: nothing of it is written
        Assert.Equal(520, clock.Written);
    }

    [Fact]
    public void A_frame_without_samples_marks_silence_up_to_its_offset()
    {
        var clock = new PcmClock();
        clock.Place(0, 320);

        Assert.Equal((1_600, 0), clock.Place(1_920, 0)); // 100 ms of silence passed on the media side
        Assert.Equal((1_600, 0), clock.Place(3_520, 0));
        Assert.Equal((0, 0), clock.Place(3_520, 320)); // speech again, right where the silence ended
        Assert.Equal((0, 0), clock.Place(1_000, 0)); // a mark of time already written changes nothing
        Assert.Equal(3_840, clock.Written);
    }

    [Fact]
    public void An_absurd_gap_is_jumped_not_filled()
    {
        var clock = new PcmClock();
        clock.Place(0, 320);

        Assert.Equal((0, 0), clock.Place(PcmClock.MaxGapSamples + 10_000, 320));
        Assert.Equal((320, 0), clock.Place(PcmClock.MaxGapSamples + 10_640, 320)); // and the clock carries on from there
        Assert.Equal(1_280, clock.Written);
    }

    [Fact]
    public void Offsets_that_start_again_far_behind_carry_on_from_where_the_stream_is()
    {
        var clock = new PcmClock();
        clock.Place(uint.MaxValue - 319, 320); // the first frame of a track 74 hours old: jumped to, not filled

        Assert.Equal((0, 0), clock.Place(0, 320)); // the 32-bit offsets wrapped
        Assert.Equal((1_600, 0), clock.Place(1_920, 320)); // and gaps count from there
        Assert.Equal(2_560, clock.Written);
    }
}
