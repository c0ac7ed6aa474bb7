using System.Diagnostics;
using Scribe.Fakes.Speech;

namespace Scribe.Tests.Agent;

/// <summary>
/// The stand-in SFU (tests/interop/sfu): its own node tests, counted here, and the C# wrapper the end-to-end
/// tests, the demo and the benchmarks drive it through.
/// </summary>
public sealed class StandInSfuTests
{
    private static readonly TimeSpan NodeTestTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_stand_in_sfu_passes_its_own_node_tests()
    {
        var start = new ProcessStartInfo(NodeInterop.NodeExecutable()) { WorkingDirectory = Repository.Root };
        start.ArgumentList.Add("--test");
        start.ArgumentList.Add("--test-reporter=tap");
        start.ArgumentList.Add("--test-concurrency=1");
        start.ArgumentList.Add(Path.Combine("tests", "interop", "sfu") + Path.DirectorySeparatorChar);
        var (exit, stdout, stderr) = await ChildProcess.RunAsync(start, NodeTestTimeout, $"node --test tests/interop/sfu did not finish within {NodeTestTimeout.TotalMinutes} min");

        Assert.True(exit == 0, stdout + stderr);
        Assert.Matches(@"# pass [1-9]", stdout);
        Assert.Contains("# fail 0", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wrapper_plays_a_microphone_and_logs_each_utterance_it_played()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var sentence = (await FliteCorpus.LoadAsync(cts.Token))[0];
        var file = await OggOpusFiles.EncodeAsync(sentence, cts.Token);
        await using var sfu = await StandInSfu.StartAsync("key", "secret-of-at-least-32-characters-long", cancellationToken: cts.Token);

        await sfu.AddParticipantAsync("standup", "alice", "Alice", cancellationToken: cts.Token);
        var trackSid = await sfu.PublishMicrophoneAsync("standup", "alice", [new StandInUtterance(TimeSpan.Zero, file)], cts.Token);

        var events = await Eventually.ReturnsAsync(
            () => sfu.GetEventsAsync(cts.Token),
            all => all.Any(e => e.Event == "utterance_played"),
            "the utterance to be played");
        var played = Assert.Single(events, e => e.Event == "utterance_played");
        Assert.Equal("alice", played.Identity);
        Assert.Equal(trackSid, played.TrackSid);
        Assert.Equal(file, played.File);
        Assert.NotNull(played.LastPacketAt);
        var room = await sfu.GetRoomAsync("standup", cts.Token);
        var alice = Assert.Single(room!.Participants);
        var track = Assert.Single(alice.Tracks);
        Assert.Equal(trackSid, track.Sid);
        // 20 ms packets: one per 20 ms of the sentence, give or take the encoder's last partial frame.
        Assert.InRange(track.PacketsSent, (long)(sentence.Duration.TotalMilliseconds / 20) - 2, (long)(sentence.Duration.TotalMilliseconds / 20) + 30);
        Assert.Empty((await sfu.GetReceivedAsync("standup", cts.Token)).Transcriptions);

        await sfu.CloseRoomAsync("standup", cts.Token);
        Assert.Null(await sfu.GetRoomAsync("standup", cts.Token));
        Assert.Contains(await sfu.GetEventsAsync(cts.Token), e => e.Event == "room_finished");
    }
}
