using Microsoft.Extensions.DependencyInjection;
using Scribe.Fakes.LiveKit;
using Scribe.LiveKit;
using Scribe.Participants;

namespace Scribe.Tests.LiveKit;

/// <summary>LiveKit's egress service unreachable: starts are retried with backoff, then the speaker shows the reason.</summary>
public sealed class EgressStartFailureTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private TestSilo _silo = null!;

    // TestSilo's default LiveKit:Url is a closed port: every Twirp call fails to connect.
    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(new Dictionary<string, string?>
    {
        ["LiveKit:EgressRestartAttempts"] = "3",
        ["LiveKit:EgressRestartDelayMs"] = "20",
    });

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task An_egress_that_cannot_start_is_retried_then_reported()
    {
        var webhooks = new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
        var room = new LiveKitRoom { Name = "unreachable", Sid = "RM_unreachable" };
        var alice = new LiveKitParticipant { Identity = "alice", Sid = "PA_alice", Name = "Alice" };
        var published = await webhooks.TrackPublishedAsync(_silo.WebhookUrl, room, alice, LiveKitWebhookSender.MicrophoneTrack("TR_alice"), CancellationToken.None);
        Assert.Equal(200, published.HttpStatus);

        var participant = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IParticipantGrain>(ParticipantKey.Of("unreachable", "alice"));
        await LiveKitRoomHarness.WaitUntilAsync(async () => (await participant.GetStatusAsync()).State == SpeakerState.Error, "alice shows an error");

        var status = await participant.GetStatusAsync();
        Assert.StartsWith("egress could not start", status.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 3 restarts", status.Error, StringComparison.Ordinal);
        Assert.Equal("TR_alice", status.TrackSid);
    }
}
