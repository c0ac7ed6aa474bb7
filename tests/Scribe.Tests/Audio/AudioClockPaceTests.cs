namespace Scribe.Tests.Audio;

public sealed class AudioClockPaceTests
{
    private const long Frequency = 1_000_000; // timestamps in microseconds
    private const long Chunk = 1_600; // 100 ms at 16 kHz

    [Fact]
    public void Audio_arriving_in_real_time_is_never_late()
    {
        var pace = new AudioClockPace(Frequency);
        for (var n = 1; n <= 50; n++)
        {
            var now = 5_000_000 + n * 100_000L;
            Assert.Equal(now, pace.DueAt(now, n * Chunk));
        }
    }

    [Fact]
    public void A_chunk_handled_late_is_late_by_exactly_that_much()
    {
        var pace = new AudioClockPace(Frequency);
        pace.DueAt(100_000, Chunk);
        pace.DueAt(200_000, 2 * Chunk);

        Assert.Equal(300_000, pace.DueAt(337_000, 3 * Chunk)); // 37 ms late
        Assert.Equal(400_000, pace.DueAt(400_000, 4 * Chunk)); // and on time again
    }

    [Fact]
    public void A_late_start_is_not_taken_as_the_pace()
    {
        // The first chunk came 80 ms late (connection set-up); the next ones on time show it was the start that was late.
        var pace = new AudioClockPace(Frequency);
        Assert.Equal(180_000, pace.DueAt(180_000, Chunk));
        Assert.Equal(200_000, pace.DueAt(200_000, 2 * Chunk));
        Assert.Equal(300_000, pace.DueAt(310_000, 3 * Chunk));
    }
}
