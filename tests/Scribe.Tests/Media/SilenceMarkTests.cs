using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Speech;
using Scribe.LiveKit;
using Scribe.Media;

namespace Scribe.Tests.Media;

/// <summary>
/// The real media process in a room of the stand-in SFU, whose microphones send no packets between utterances (DTX):
/// the silence reaches the silo only as empty frames marking its first seconds on the media clock.
/// </summary>
public sealed class SilenceMarkTests(ITestOutputHelper output)
{
    private const string Secret = "secret-of-at-least-32-characters-long";
    private const int FrameSamples = 1_600; // the media process asks the SDK for 100 ms frames
    private const int MarkedSamples = 48_000; // and marks the first 3 s of each silence

    [Fact]
    public async Task The_first_seconds_of_a_silence_are_marked_frame_by_frame_and_the_rest_is_left_to_the_next_offset()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var sentences = await FliteCorpus.LoadAsync(cts.Token);
        var pause = TimeSpan.FromSeconds(5);
        var first = await OggOpusFiles.EncodeAsync(sentences[0], cts.Token);
        var second = await OggOpusFiles.EncodeAsync(sentences[1], cts.Token);
        await using var sfu = await StandInSfu.StartAsync("key", Secret, cancellationToken: cts.Token);
        await using var media = new MediaProcess(
            Options.Create(new MediaOptions
            {
                NodePath = NodeInterop.NodeExecutable(),
                ScriptPath = Path.Combine(Repository.Root, "src", "Media", "agent", "agent.mjs"),
            }),
            NullLogger<MediaProcess>.Instance);
        await media.StartAsync(cts.Token);
        await media.WhenReadyAsync().WaitAsync(cts.Token);

        var events = new RecordingRoomEvents();
        var minter = new AgentTokenMinter("key", Secret);
        await sfu.AddParticipantAsync("standup", "alice", "Alice", cancellationToken: cts.Token);
        await media.JoinAsync(new AgentJoin("standup", sfu.Url.ToString(), "scribe", ["standard"], () => minter.Mint("standup", "scribe")), events);
        await events.NextAsync("joined standup");
        await sfu.PublishMicrophoneAsync(
            "standup",
            "alice",
            [new StandInUtterance(TimeSpan.Zero, first), new StandInUtterance(sentences[0].Duration + pause, second)],
            cts.Token);
        await events.NextAsync("track standup alice");
        Assert.True(events.Tracks.TryPeek(out var track));

        // Read until the second utterance's speech begins: a frame with samples after a silence of seconds.
        var frames = new List<(long Offset, int Samples)>();
        long? lastSpeechEnd = null;
        await foreach (var frame in track.Frames.ReadAllAsync(cts.Token))
        {
            var samples = frame.Pcm.Length / 2;
            frames.Add((frame.SampleOffset, samples));
            if (samples > 0)
            {
                if (lastSpeechEnd is { } end && frame.SampleOffset - end > 16_000 * 4)
                {
                    break;
                }

                lastSpeechEnd = frame.SampleOffset + samples;
            }
        }

        var speechAgain = frames[^1];
        var marks = frames.Where(f => f.Samples == 0 && f.Offset > lastSpeechEnd).Select(f => f.Offset).ToList();
        output.WriteLine($"first utterance ends at {lastSpeechEnd / 16.0:F0} ms; {marks.Count} marks after it; second begins at {speechAgain.Offset / 16.0:F0} ms");
        Assert.Equal(MarkedSamples / FrameSamples, marks.Count);
        Assert.Equal(Enumerable.Range(1, marks.Count).Select(i => lastSpeechEnd!.Value + (i * FrameSamples)), marks);

        // The media clock is true across the silence: the pause measured in offsets is the pause played, give or
        // take the encoder's and the jitter buffer's edges (and, above, a late start of the SFU's next utterance on a
        // loaded machine).
        var measured = TimeSpan.FromSeconds((speechAgain.Offset - lastSpeechEnd!.Value) / 16_000.0);
        Assert.InRange(measured, pause - TimeSpan.FromSeconds(1), pause + TimeSpan.FromSeconds(3));
    }
}
