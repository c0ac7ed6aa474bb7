using static Scribe.Realtime.SessionChange;

namespace Scribe.Tests.Realtime;

/// <summary>The keeper's one transition: every path that waits, connects, fails or opens leaves one honest phase.</summary>
public sealed class SessionStatusTests
{
    private static SessionStatus Run(params SessionChange[] changes) => changes.Aggregate(SessionStatus.Initial, (status, change) => status.Apply(change));

    [Fact]
    public void A_wait_for_capacity_ends_when_a_socket_is_found_and_a_failed_handshake_leaves_it_connecting()
    {
        Assert.Equal(SpeakerSessionPhase.WaitingForCapacity, Run(new Closed(), new CapacityFull()).Phase);
        Assert.Equal(new SessionStatus(SpeakerSessionPhase.Connecting, "refused"), Run(new Closed(), new CapacityFull(), new Connecting(), new Closed(), new ConnectFailed("refused", 1)));
        Assert.Equal(new SessionStatus(SpeakerSessionPhase.Open), Run(new CapacityFull(), new Connecting(), new ConnectFailed("refused", 1), new Connecting(), new Opened()));
    }

    [Fact]
    public void Admission_ends_a_wait_on_the_socket_the_speaker_has_or_without_one()
    {
        Assert.Equal(SpeakerSessionPhase.Open, Run(new Connecting(), new Opened(), new CapacityFull(), new Admitted(SocketOpen: true)).Phase);
        Assert.Equal(SpeakerSessionPhase.Closed, Run(new CapacityFull(), new Admitted(SocketOpen: false)).Phase);
        Assert.Equal(SpeakerSessionPhase.Open, Run(new Connecting(), new Opened(), new Admitted(SocketOpen: true)).Phase);
    }

    [Fact]
    public void Failing_after_five_attempts_or_a_fault_names_the_first_cause_until_a_session_opens()
    {
        var failing = Run(
            new Connecting(), new ConnectFailed("1", 1), new ConnectFailed("2", 2), new ConnectFailed("3", 3), new ConnectFailed("4", 4));
        Assert.Equal(SpeakerSessionPhase.Connecting, failing.Phase);
        failing = failing.Apply(new ConnectFailed("5", 5));
        Assert.Equal(new SessionStatus(SpeakerSessionPhase.Failing, "5"), failing);
        Assert.Equal(failing, failing.Apply(new CapacityFull()).Apply(new Closed()).Apply(new Connecting()).Apply(new Admitted(false)));
        Assert.Equal(new SessionStatus(SpeakerSessionPhase.Failing, "6"), failing.Apply(new ConnectFailed("6", 1)));

        var faulted = Run(new Connecting(), new Opened(), new Faulted("model_not_found: x"), new Faulted("invalid_event: y"), new Closed());
        Assert.Equal(new SessionStatus(SpeakerSessionPhase.Failing, "model_not_found: x"), faulted);
        Assert.Equal(new SessionStatus(SpeakerSessionPhase.Open), faulted.Apply(new Opened()));
    }
}
