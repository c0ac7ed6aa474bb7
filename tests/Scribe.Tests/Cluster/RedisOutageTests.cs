namespace Scribe.Tests.Cluster;

/// <summary>Redis restarts in the middle of a meeting: segments wait and retry, none is lost or doubled.</summary>
public sealed class RedisOutageTests() : RigTest(new RigOptions { Redis = true, ClusterName = "outage", LiveKitPace = 2.0 })
{
    [Fact]
    public async Task A_redis_restart_mid_meeting_loses_no_segment()
    {
        string[] speakers = ["ann", "ben", "ann", "ben", "ann", "ben"];
        var meeting = new Meeting([.. speakers.Zip(ToneSpeech.RandomSentences(6, seed: 31))]);
        var tracks = await Rig.PublishAsync("weather", meeting.Tracks);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        // Wait until the first final segment is stored, then take Redis away for two seconds.
        await Eventually.HoldsAsync(async () => (await Rig.Silo.TranscriptAsync("weather", timeout.Token)).Any(s => s.IsFinal), "a final segment is stored", TimeSpan.FromSeconds(90));
        Rig.Redis.Stop();
        await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
        await Rig.Redis.RestartAsync();

        await Rig.LiveKit.WaitForEgressesAsync(tracks, timeout.Token);
        var transcript = await Rig.Silo.WaitForFinalsAsync("weather", meeting.Turns.Count, timeout.Token);
        Assert.Equal(meeting.Turns.Select(t => (t.Speaker, t.Sentence)), transcript.Select(s => (s.Speaker, s.Text)));
    }
}
