using Microsoft.Extensions.Logging.Abstractions;
using Scribe.Participants;

namespace Scribe.Tests.Participants;

public sealed class SegmentPublisherTests
{
    [Fact]
    public async Task A_final_segment_is_retried_until_the_room_takes_it()
    {
        var attempts = 0;
        await using var publisher = new SegmentPublisher(
            (_, _) => Interlocked.Increment(ref attempts) < 3 ? throw new TimeoutException("room busy") : Task.CompletedTask,
            NullLogger.Instance);

        publisher.Publish(Segment("alice:1", isFinal: true));
        await publisher.FlushAsync(CancellationToken.None).WaitAsync(Eventually.DefaultPatience);

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task A_disposed_runtime_ends_delivery_without_retries()
    {
        var attempts = 0;
        await using var publisher = new SegmentPublisher(
            (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new ObjectDisposedException("ConcurrentObjectPool");
            },
            NullLogger.Instance);

        publisher.Publish(Segment("alice:1", isFinal: true));
        publisher.Publish(Segment("alice:2", isFinal: true));
        await publisher.FlushAsync(CancellationToken.None).WaitAsync(Eventually.DefaultPatience);

        Assert.Equal(1, attempts);
    }

    private static TranscriptSegment Segment(string id, bool isFinal) =>
        new(id, "standup", "alice", "Alice", "TR_alice", 0, 1_000, "hello", isFinal);
}
