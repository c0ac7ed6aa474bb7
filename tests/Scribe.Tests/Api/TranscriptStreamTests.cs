using System.Diagnostics;
using System.Net;
using Orleans.Core.Internal;

namespace Scribe.Tests.Api;

/// <summary>
/// <c>GET /api/rooms/{room}/transcript/stream</c> read by a real HTTP client: catch-up, live updates, and
/// reconnects that get exactly what they missed.
/// </summary>
public sealed class TranscriptStreamTests(ApiSiloFixture fixture, ITestOutputHelper output) : IClassFixture<ApiSiloFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private HttpClient Admin => fixture.Silo.Admin;

    private static string StreamPath(string room, string query = "") => $"/api/rooms/{Uri.EscapeDataString(room)}/transcript/stream{query}";

    [Fact]
    public async Task Catch_up_then_live_then_a_reconnect_gets_exactly_what_it_missed()
    {
        const string room = "sse-exact";
        var grain = await fixture.StartRoomAsync(room, "alice", "bob");
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 0, "hello", final: false));   // r1
        await grain.UpsertSegmentAsync(Names.Segment(room, "bob", 1, "hi there"));                // r2
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 0, "hello all"));             // r3 (replaces r1)

        await using (var stream = await EventStreamClient.OpenAsync(Admin, StreamPath(room)))
        {
            Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
            Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType!.MediaType);
            var catchUp = await stream.ReadAsync(2, Timeout);
            Assert.All(catchUp, e => Assert.Equal("segment", e.Event));
            Assert.Equal(["2", "3"], catchUp.Select(e => e.Id));                      // change order, not speech order
            Assert.Equal(["hi there", "hello all"], catchUp.Select(e => e.Segment.Text));

            var live = await grain.UpsertSegmentAsync(Names.Segment(room, "bob", 2, "so, the agenda", final: false)); // r4
            var next = await stream.ReadAsync(Timeout.ToCancellationToken());
            Assert.Equal(live.ToString(System.Globalization.CultureInfo.InvariantCulture), next.Id);
            Assert.Equal("so, the agenda", next.Segment.Text);
            Assert.Equal(live, next.Segment.Revision);
        }

        // While the client is away: a new segment, one segment changed twice, a final for the interim one.
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 3, "first point", final: false)); // r5
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 3, "first point is"));             // r6
        await grain.UpsertSegmentAsync(Names.Segment(room, "bob", 2, "so, the agenda."));              // r7

        await using (var again = await EventStreamClient.OpenAsync(Admin, StreamPath(room), lastEventId: "4"))
        {
            var missed = await again.ReadAsync(2, Timeout);
            Assert.Equal(["6", "7"], missed.Select(e => e.Id));
            Assert.Equal(["first point is", "so, the agenda."], missed.Select(e => e.Segment.Text));
            Assert.Null(await again.TryReadAsync(TimeSpan.FromMilliseconds(500)));     // nothing twice
        }

        await using var bySince = await EventStreamClient.OpenAsync(Admin, StreamPath(room, "?since=6"));
        Assert.Equal("7", (await bySince.ReadAsync(Timeout.ToCancellationToken())).Id);
        var live2 = await grain.UpsertSegmentAsync(Names.Segment(room, "carol", 9, "and me"));
        Assert.Equal(live2, (await bySince.ReadAsync(Timeout.ToCancellationToken())).Segment.Revision);
    }

    /// <summary>
    /// A writer keeps changing the transcript while a client reads, drops the connection at random points and
    /// reconnects with the last id it saw: the segments it ends up with are exactly the room's, and no event
    /// id ever repeats or goes backwards.
    /// </summary>
    [Fact]
    public async Task Under_concurrent_changes_and_repeated_reconnects_the_client_converges_without_duplicates()
    {
        const string room = "sse-churn";
        var grain = await fixture.StartRoomAsync(room, "alice", "bob", "carol");
        string[] speakers = ["alice", "bob", "carol"];
        var random = new Random(7);
        const int changes = 400;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < changes; i++)
            {
                var n = i / 4;                       // each segment: three interim updates, then its final
                var final = i % 4 == 3;
                await grain.UpsertSegmentAsync(Names.Segment(room, speakers[n % 3], n, $"words {n} v{i % 4}", final));
                if (i % 25 == 0)
                {
                    await Task.Delay(random.Next(5, 30));
                }
            }
        });

        var seen = new Dictionary<string, TranscriptSegment>(StringComparer.Ordinal);
        var lastId = -1L;
        string? resumeFrom = null;
        var reconnects = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await using var stream = await EventStreamClient.OpenAsync(Admin, StreamPath(room), resumeFrom);
            var take = random.Next(3, 25);
            var done = false;
            for (var i = 0; i < take; i++)
            {
                var next = writer.IsCompleted ? await stream.TryReadAsync(TimeSpan.FromSeconds(1)) : await stream.ReadAsync(deadline.Token);
                if (next is null)
                {
                    done = true;
                    break;
                }

                var id = long.Parse(next.Id!, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(id > lastId, $"event id {id} after {lastId}: a duplicate or a step back");
                lastId = id;
                seen[next.Segment.Id] = next.Segment;
            }

            if (done)
            {
                break;
            }

            resumeFrom = stream.LastEventId;
            reconnects++;
        }

        await writer;
        var expected = (await grain.GetChangesAsync(0)).Segments;
        Assert.Equal(expected.Count, seen.Count);
        Assert.All(expected, s => Assert.Equal(s, seen[s.Id]));
        Assert.True(reconnects >= 2, $"only {reconnects} reconnects");
        output.WriteLine($"{changes} changes, {reconnects} reconnects, {seen.Count} segments converged");
    }

    [Fact]
    public async Task Many_readers_of_one_room_on_one_silo_share_one_watch_of_the_room()
    {
        const string room = "sse-fanout";
        var grain = await fixture.StartRoomAsync(room, "alice");
        var feed = fixture.Silo.Services.GetRequiredService<RoomTranscriptFeed>();
        var readers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => EventStreamClient.OpenAsync(Admin, StreamPath(room))));
        try
        {
            var revision = await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 0, "to everyone"));
            foreach (var reader in readers)
            {
                Assert.Equal(revision, (await reader.ReadAsync(Timeout.ToCancellationToken())).Segment.Revision);
            }

            // Five readers, one watch of the room (the feed keeps one per room by construction).
            Assert.Equal(5, feed.ReadersOf(room));
        }
        finally
        {
            foreach (var reader in readers)
            {
                await reader.DisposeAsync();
            }
        }

        // The silo notices the readers leave and stops watching the room.
        // A closed connection is noticed at the latest by the next heartbeat write (15 s).
        await Eventually.HoldsAsync(() => feed.ReadersOf(room) == 0, "the feed has no reader of the room", TimeSpan.FromSeconds(40));
    }

    [Fact]
    public async Task A_stream_goes_on_when_the_room_grain_is_deactivated_under_it()
    {
        const string room = "sse-deactivate";
        var grain = await fixture.StartRoomAsync(room, "alice");
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 0, "before"));
        await using var stream = await EventStreamClient.OpenAsync(Admin, StreamPath(room));
        Assert.Equal("before", (await stream.ReadAsync(Timeout.ToCancellationToken())).Segment.Text);

        // Deactivating the room ends its watch (EnumerationAbortedException); the feed resumes it from its last
        // revision on a new activation, which loads the transcript from storage.
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await Task.Delay(500);
        var clock = Stopwatch.StartNew();
        var after = await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 1, "after"));
        var upserted = clock.ElapsedMilliseconds;

        var next = await stream.ReadAsync(Timeout.ToCancellationToken());
        output.WriteLine($"upsert after deactivation took {upserted} ms; its event arrived {clock.ElapsedMilliseconds} ms after the upsert began");
        Assert.Equal("after", next.Segment.Text);
        Assert.True(upserted < 5_000, "a watched room's deactivation held up its upserts");
        Assert.Equal(after, next.Segment.Revision);
        Assert.Null(await stream.TryReadAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Theory]
    [InlineData("?since=-3", null)]
    [InlineData("?since=x", null)]
    [InlineData("", "not-a-number")]
    public async Task A_bad_position_is_a_400_problem(string query, string? lastEventId)
    {
        await fixture.StartRoomAsync("sse-bad");

        await using var stream = await EventStreamClient.OpenAsync(Admin, StreamPath("sse-bad", query), lastEventId);

        Assert.Equal(HttpStatusCode.BadRequest, stream.Response.StatusCode);
        Assert.Equal("application/problem+json", stream.Response.Content.Headers.ContentType!.MediaType);
    }

    /// <summary>Measures how long a new reader takes to receive a 10,000-segment transcript over the stream.</summary>
    [Fact]
    public async Task A_reader_catches_up_on_ten_thousand_segments()
    {
        const string room = "sse-10k";
        const int count = 10_000;
        var grain = await fixture.StartRoomAsync(room, "alice", "bob");
        var seed = Stopwatch.StartNew();
        for (var n = 0; n < count; n += 500)
        {
            await Task.WhenAll(Enumerable.Range(n, 500).Select(i =>
                grain.UpsertSegmentAsync(Names.Segment(room, i % 2 == 0 ? "alice" : "bob", i, $"segment number {i} with a few words in it", final: false))));
        }

        seed.Stop();
        var read = Stopwatch.StartNew();
        await using var stream = await EventStreamClient.OpenAsync(Admin, StreamPath(room));
        var events = await stream.ReadAsync(count, TimeSpan.FromSeconds(60));
        read.Stop();

        Assert.Equal(count, events.Select(e => e.Id).Distinct().Count());
        output.WriteLine($"seeded {count:N0} interim segments in {seed.ElapsedMilliseconds} ms; SSE catch-up of {count:N0} events in {read.ElapsedMilliseconds} ms ({count / read.Elapsed.TotalSeconds:N0} events/s)");
    }
}

internal static class TimeSpanExtensions
{
    /// <summary>A token that cancels after the span; fine for tests, where the source is left to the GC.</summary>
    public static CancellationToken ToCancellationToken(this TimeSpan timeout) => new CancellationTokenSource(timeout).Token;
}
