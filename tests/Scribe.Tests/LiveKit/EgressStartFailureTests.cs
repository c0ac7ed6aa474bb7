namespace Scribe.Tests.LiveKit;

/// <summary>LiveKit's egress service unreachable: starts are retried with backoff, then the speaker shows the reason.</summary>
public sealed class EgressStartFailureTests : IAsyncLifetime
{
    private MeetingRig _rig = null!;

    // Without a fake LiveKit, LiveKit:Url stays TestSilo's closed port: every Twirp call fails to connect.
    public async Task InitializeAsync() => _rig = await MeetingRig.StartAsync(new RigOptions
    {
        FakeVllm = false,
        LiveKitPace = null,
        Settings = new Dictionary<string, string?> { ["LiveKit:EgressRestartAttempts"] = "3", ["LiveKit:EgressRestartDelayMs"] = "20" },
    });

    public async Task DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task An_egress_that_cannot_start_is_retried_then_reported()
    {
        var room = new LiveKitRoom { Name = "unreachable", Sid = "RM_unreachable" };
        var alice = new LiveKitParticipant { Identity = "alice", Sid = "PA_alice", Name = "Alice" };
        var published = await _rig.Webhooks.TrackPublishedAsync(_rig.WebhookUrl, room, alice, LiveKitWebhookSender.MicrophoneTrack("TR_alice"), CancellationToken.None);
        Assert.Equal(200, published.HttpStatus);

        var participant = _rig.Grains.GetGrain<IParticipantGrain>(ParticipantKey.Of("unreachable", "alice"));
        await Eventually.HoldsAsync(async () => (await participant.GetStatusAsync()).State == SpeakerState.Error, "alice shows an error");

        var status = await participant.GetStatusAsync();
        Assert.StartsWith("egress could not start", status.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 3 restarts", status.Error, StringComparison.Ordinal);
        Assert.Equal("TR_alice", status.TrackSid);
    }
}
