using System.Collections.Concurrent;
using Scribe.Captions;
using Scribe.Participants;
using Scribe.Tests.Infrastructure;

namespace Scribe.Tests.Captions;

/// <summary>What goes into the room's data channel: throttled interim text, every final, nothing after a final.</summary>
public sealed class TranscriptBroadcasterTests
{
    private readonly ConcurrentQueue<TranscriptDataMessage> _sent = new();

    [Fact]
    public async Task A_burst_of_interim_updates_is_coalesced_and_the_final_always_goes()
    {
        var broadcaster = Start(TimeSpan.FromHours(1));
        for (var i = 1; i <= 100; i++)
        {
            broadcaster.Publish(Segment("alice:TR_a:1.0", string.Join(' ', Enumerable.Repeat("w", i)), isFinal: false));
        }

        broadcaster.Publish(Segment("alice:TR_a:1.0", "the final words", isFinal: true));
        broadcaster.Publish(Segment("alice:TR_a:1.0", "a late interim", isFinal: false)); // must not undo the final
        await broadcaster.DisposeAsync();

        var sent = _sent.ToList();
        Assert.InRange(sent.Count, 1, 2);
        Assert.Equal(new TranscriptDataMessage("alice:TR_a:1.0", "alice", "Alice", "the final words", true, 100, 900), sent[^1]);
        Assert.Single(sent, m => m.Final);
    }

    [Fact]
    public async Task Interim_text_held_back_by_the_throttle_is_sent_when_the_stream_ends()
    {
        var broadcaster = Start(TimeSpan.FromHours(1));
        broadcaster.Publish(Segment("alice:TR_a:1.0", "first", isFinal: false));
        broadcaster.Publish(Segment("alice:TR_a:1.1", "second", isFinal: false));

        await broadcaster.DisposeAsync();

        Assert.Equal(["first", "second"], _sent.Select(m => m.Text));
    }

    [Fact]
    public async Task A_failing_room_does_not_stop_later_segments()
    {
        var calls = 0;
        var broadcaster = new TranscriptBroadcaster(
            (payload, _) => Interlocked.Increment(ref calls) == 1 ? throw new HttpRequestException("LiveKit is down") : Record(payload),
            TimeSpan.Zero, TimeProvider.System, TestMetrics.Scribe, NullLogger.Instance);
        broadcaster.Publish(Segment("alice:TR_a:1.0", "lost interim", isFinal: false));
        broadcaster.Publish(Segment("alice:TR_a:1.1", "kept final", isFinal: true));

        await broadcaster.DisposeAsync();

        Assert.Contains(_sent, m => m.Text == "kept final" && m.Final);
    }

    [Fact]
    public void The_payload_is_the_documented_json()
    {
        var json = Segment("alice:TR_a:1.0", "hello", isFinal: true) is var s ? TranscriptDataMessage.Of(s).ToUtf8Json() : [];

        Assert.Equal("""{"type":"segment","id":"alice:TR_a:1.0","speaker":"alice","speakerName":"Alice","text":"hello","final":true,"startMs":100,"endMs":900}""",
            System.Text.Encoding.UTF8.GetString(json));
    }

    private TranscriptBroadcaster Start(TimeSpan interval) =>
        new((payload, _) => Record(payload), interval, TimeProvider.System, TestMetrics.Scribe, NullLogger.Instance);

    private Task Record(ReadOnlyMemory<byte> payload)
    {
        _sent.Enqueue(JsonSerializer.Deserialize<TranscriptDataMessage>(payload.Span, JsonSerializerOptions.Web)!);
        return Task.CompletedTask;
    }

    private static TranscriptSegment Segment(string id, string text, bool isFinal) =>
        new(id, "room", "alice", "Alice", "TR_a", 100, 900, text, isFinal);
}
