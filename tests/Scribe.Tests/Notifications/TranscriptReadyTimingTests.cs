using System.Diagnostics;
using System.Globalization;
using Scribe.Notifications;

namespace Scribe.Tests.Notifications;

/// <summary>
/// When a finished room's <c>transcript.ready</c> goes out, as a backend sees it: a room whose streams all ended
/// cleanly with every segment final and stored is ready at once; only a stream that vanished is waited for.
/// </summary>
public sealed class TranscriptReadyTimingTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Long, so that the wait kept for vanished streams (two final timeouts: 4 minutes) can never pass for "at once".
    private const int FinalTimeoutMs = 120_000;
    private static readonly string[] Speakers = ["alice", "bob", "alice"];
    private static readonly TimeSpan WellBeforeTheWait = TimeSpan.FromSeconds(30);

    private readonly RecordingBackendEvents _events = new();
    private MeetingRig _rig = null!;

    public async Task InitializeAsync() => _rig = await MeetingRig.StartAsync(new RigOptions
    {
        Settings = new Dictionary<string, string?> { ["Transcription:FinalTimeoutMs"] = FinalTimeoutMs.ToString(CultureInfo.InvariantCulture) },
        Services = services => services.AddSingleton<IBackendEvents>(_events),
    });

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task A_room_whose_streams_all_ended_with_every_segment_final_is_ready_without_the_final_timeout_wait()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var meeting = new Meeting([.. Speakers.Zip(ToneSpeech.RandomSentences(Speakers.Length, seed: 19))]);
        var transcript = await _rig.TranscribeAsync("clean-stop", meeting.Tracks, meeting.Turns.Count, timeout.Token);
        Assert.Equal(meeting.Turns.Select(t => t.Sentence), transcript.Select(s => s.Text));

        // The egresses completed (a clean close): every stream has ended. Now LiveKit finishes the room.
        var finished = Stopwatch.StartNew();
        Assert.Equal(200, (await _rig.Webhooks.RoomFinishedAsync(_rig.WebhookUrl, _rig.LiveKit.GetRoom("clean-stop"), timeout.Token)).HttpStatus);

        await Eventually.HoldsAsync(() => _events.Raised.Any(e => e.Type == TranscriptReady.Type && e.Room == "clean-stop"), "transcript.ready", WellBeforeTheWait);
        var latency = finished.Elapsed;
        output.WriteLine($"transcript.ready {latency.TotalMilliseconds:F0} ms after room_finished was answered");
        var ready = Assert.Single(_events.Raised, e => e.Type == TranscriptReady.Type);
        var data = JsonDocument.Parse(ready.DataJson).RootElement;
        Assert.Equal(meeting.Turns.Count, data.GetProperty("segments").GetInt32());
        Assert.True(latency < TimeSpan.FromMilliseconds(2 * FinalTimeoutMs), $"ready {latency.TotalSeconds:F1} s after room_finished");
    }
}
