using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Scribe.Tests.Api;
using Scribe.Tests.Cluster;
using Scribe.Tests.EndToEnd;

namespace Scribe.Tests.Rooms;

/// <summary>
/// A finished room does not keep interim text forever: once its streams have had their final timeout twice over,
/// what is still interim (left by a stream lost with its silo, whose speaker never spoke again) is closed as final.
/// </summary>
public sealed class FinishedRoomTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartAsync(new Dictionary<string, string?> { ["Transcription:FinalTimeoutMs"] = "500" });

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Interims_still_open_after_the_final_timeout_of_a_finished_room_are_closed_with_their_words()
    {
        var room = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRoomGrain>("abandoned");
        await room.StartAsync();
        await room.UpsertSegmentAsync(Names.Segment("abandoned", "alice", 0, "said in full"));
        await room.UpsertSegmentAsync(Names.Segment("abandoned", "bob", 1, "cut off when its silo", final: false));
        await room.FinishAsync();

        var clock = Stopwatch.StartNew();
        var finishedWith = await _silo.TranscriptAsync("abandoned", CancellationToken.None);
        Assert.Contains(finishedWith, s => !s.IsFinal); // not at once: a stopped stream may still deliver its final
        IReadOnlyList<TranscriptSegment> transcript;
        do
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), "the open interim was never closed");
            await Task.Delay(100);
            transcript = await _silo.TranscriptAsync("abandoned", CancellationToken.None);
        }
        while (transcript.Any(s => !s.IsFinal));

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"closed {clock.Elapsed.TotalSeconds:F2} s after the finish, before two final timeouts");
        Assert.Equal(["said in full", "cut off when its silo"], transcript.Select(s => s.Text));

        // A late real final still wins over the closed text.
        await room.UpsertSegmentAsync(Names.Segment("abandoned", "bob", 1, "cut off when its silo went down"));
        Assert.Equal("cut off when its silo went down", (await _silo.TranscriptAsync("abandoned", CancellationToken.None))[1].Text);
    }
}
