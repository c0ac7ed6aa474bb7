using Scribe.Captions;

namespace Scribe.Tests.LiveKit;

/// <summary>An egress that keeps dying is restarted a bounded number of times, then the speaker shows why it stopped.</summary>
public sealed class EgressRestartBudgetTests : IAsyncLifetime
{
    private LiveKitRoomHarness _h = null!;

    public async Task InitializeAsync() => _h = await LiveKitRoomHarness.StartAsync(new Dictionary<string, string?>
    {
        ["LiveKit:EgressRestartAttempts"] = "2",
        ["LiveKit:PublishTranscripts"] = "false",
    });

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task After_the_restart_budget_the_speaker_is_in_error_with_the_reason()
    {
        var (_, _, track) = await _h.PublishAsync("budget", "alice", LiveKitRoomHarness.Silence(2_000), LiveKitRoomHarness.QuietAndOpen);
        var killed = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var egress = await _h.WaitForActiveEgressAsync(track.Sid, [.. killed]);
            _h.LiveKit.KillEgress(egress.EgressId);
            killed.Add(egress.EgressId);
        }

        await Eventually.HoldsAsync(async () => (await _h.StatusAsync("budget", "alice")).State == SpeakerState.Error, "alice shows an error");
        var status = await _h.StatusAsync("budget", "alice");
        Assert.Contains("gave up after 2 restarts", status.Error, StringComparison.Ordinal);
        Assert.Contains("Lost", status.Error, StringComparison.Ordinal);
        Assert.Null(status.EgressId);
        Assert.Equal(3, _h.StartRequests(track.Sid));
        Assert.DoesNotContain(_h.LiveKit.SentData, p => JsonDocument.Parse(p.Data).RootElement.GetProperty("type").GetString() == TranscriptDataMessage.MessageType);
    }
}
