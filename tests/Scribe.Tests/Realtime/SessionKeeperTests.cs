using System.Collections.Concurrent;
using System.Threading.Channels;
using static Scribe.Tests.Realtime.InMemoryEndpoints;

namespace Scribe.Tests.Realtime;

/// <summary>Opening, losing, re-opening and releasing sessions, on in-memory sessions and virtual time.</summary>
public sealed class SessionKeeperTests
{
    private static readonly SpeakerContext Speaker = new("standup", "ann", "Ann", "TR_A", 1, 0);

    private readonly RecordingTimeProvider _time = new();
    private readonly InMemoryConnector _connector = new();
    private readonly ConcurrentQueue<string> _replays = new();
    private readonly Channel<TranscriberInput> _events = Channel.CreateUnbounded<TranscriberInput>();

    private SessionKeeper Keeper(IEndpointPicker picker, TranscriberOptions? options = null, SpeakerUsageMeter? usage = null) =>
        new(Speaker, options ?? new TranscriberOptions(), picker, _connector, new CapacityWait(picker, TestMetrics.Scribe, _time),
            usage ?? new SpeakerUsageMeter(_time, TestMetrics.Scribe), TestMetrics.Scribe, _time, NullLogger.Instance, _events.Writer,
            (session, _) =>
            {
                _replays.Enqueue(session.Endpoint.Name);
                return Task.CompletedTask;
            });

    private async Task<SessionEvent> NextEventAsync() => (SessionEvent)await _events.Reader.ReadAsync();

    [Fact]
    public async Task A_send_on_a_broken_socket_reopens_on_another_endpoint_and_replays()
    {
        var keeper = Keeper(new EndpointBalancer([Gpu1, Gpu2]));
        await keeper.StartAsync(CancellationToken.None);
        var first = _connector.Last;
        first.Broken = true;

        await keeper.AppendAsync(new short[1_600], CancellationToken.None);

        Assert.Equal(2, _connector.Opened.Count);
        Assert.NotEqual(first.Endpoint, _connector.Last.Endpoint);
        Assert.True(first.Disposed);
        Assert.Equal([first.Endpoint.Name, _connector.Last.Endpoint.Name], _replays);
        Assert.Equal(_connector.Last.Endpoint.Name, keeper.EndpointName);
    }

    [Fact]
    public async Task Refused_opens_back_off_on_the_given_clock_and_mark_the_keeper_failing_after_five()
    {
        var keeper = Keeper(new EndpointBalancer([Gpu1]));
        _connector.FailNext = 6;
        var opening = keeper.StartAsync(CancellationToken.None);

        var waits = new[] { 500, 1_000, 2_000, 4_000, 8_000, 8_000 };
        for (var i = 0; i < waits.Length; i++)
        {
            // The back-off timer is set just after the attempt fails: wait for it, then check how long it is.
            await Eventually.HoldsAsync(() => _time.DueTimes.Count == i + 1, $"back-off {i + 1} is on the clock");
            Assert.Equal(TimeSpan.FromMilliseconds(waits[i]), _time.DueTimes[i]);
            Assert.Equal(i + 1, _connector.Attempts);
            Assert.Equal(i + 1 >= 5, keeper.Status.Phase == SpeakerSessionPhase.Failing);
            _time.Advance(TimeSpan.FromMilliseconds(waits[i] - 1));
            Assert.Equal(i + 1, _connector.Attempts);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await Eventually.HoldsAsync(() => _connector.Attempts == i + 2, "the next open is attempted");
        }

        await opening;
        Assert.True(keeper.IsOpen);
        Assert.Equal(SpeakerSessionPhase.Open, keeper.Status.Phase);
        Assert.Null(keeper.Error);
        Assert.Single(_replays);
    }

    [Fact]
    public async Task With_every_endpoint_full_the_keeper_waits_for_a_slot()
    {
        var picker = new EndpointBalancer([Gpu1 with { MaxSessions = 1 }]);
        var other = picker.TryPlace("someone-else", null)!;
        var keeper = Keeper(picker);

        var opening = keeper.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => keeper.Status.Phase == SpeakerSessionPhase.WaitingForCapacity, "the keeper waits for capacity");
        Assert.Equal(0, _connector.Attempts);

        other.Dispose();
        await opening;
        Assert.Equal(SpeakerSessionPhase.Open, keeper.Status.Phase);
        Assert.True(keeper.IsOpen);
    }

    [Fact]
    public async Task A_keeper_that_waited_for_a_socket_and_then_failed_to_connect_shows_reconnecting_not_waiting()
    {
        var picker = new EndpointBalancer([Gpu1 with { MaxSessions = 1 }]);
        var other = picker.TryPlace("someone-else", null)!;
        var keeper = Keeper(picker);
        _connector.FailNext = 1;

        var opening = keeper.StartAsync(CancellationToken.None);
        await Eventually.HoldsAsync(() => keeper.Status.Phase == SpeakerSessionPhase.WaitingForCapacity, "the keeper waits for a socket");
        other.Dispose();
        await Eventually.HoldsAsync(() => keeper.Error is not null, "the handshake fails");

        // In back-off on the fake clock (not advanced): a socket was found, the handshake failed.
        Assert.Equal(SpeakerSessionPhase.Connecting, keeper.Status.Phase);
        Assert.False(keeper.IsOpen);

        // The back-off timer is set just after the failure is recorded: advance until it has fired.
        await Eventually.HoldsAsync(
            () =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
                return keeper.IsOpen;
            },
            "the keeper reconnects after its back-off");
        await opening;
        Assert.Equal(new SessionStatus(SpeakerSessionPhase.Open), keeper.Status);
    }

    [Fact]
    public async Task A_session_ended_with_nothing_in_flight_is_not_reopened_but_one_in_flight_is()
    {
        var keeper = Keeper(new EndpointBalancer([Gpu1]));
        await keeper.StartAsync(CancellationToken.None);
        var first = _connector.Last;
        first.Close();
        var ended = await NextEventAsync();
        Assert.True(keeper.IsCurrent(ended));
        await keeper.OnEndedAsync(ended, inFlight: false, CancellationToken.None);
        Assert.False(keeper.IsOpen);
        Assert.Single(_connector.Opened);

        await keeper.StartAsync(CancellationToken.None);
        _connector.Last.Close();
        ended = await NextEventAsync();
        await keeper.OnEndedAsync(ended, inFlight: true, CancellationToken.None);
        Assert.True(keeper.IsOpen);
        Assert.Equal(3, _connector.Opened.Count);
        Assert.Equal(3, _replays.Count);
    }

    [Fact]
    public async Task Idle_release_and_endpoint_moves_close_the_session_and_free_the_slot()
    {
        var picker = new LeavingPicker(new EndpointBalancer([Gpu1 with { MaxSessions = 1 }]));
        var keeper = Keeper(picker);
        await keeper.StartAsync(CancellationToken.None);

        await keeper.LeaveIfAskedAsync();
        Assert.True(keeper.IsOpen);
        picker.Leave = true;
        await keeper.LeaveIfAskedAsync();
        Assert.False(keeper.IsOpen);
        Assert.NotNull(picker.TryPlace("probe", null));
    }

    [Fact]
    public async Task An_idle_release_is_counted_and_frees_the_slot()
    {
        var picker = new EndpointBalancer([Gpu1 with { MaxSessions = 1 }]);
        var usage = new SpeakerUsageMeter(_time, TestMetrics.Scribe);
        var keeper = Keeper(picker, usage: usage);
        await keeper.StartAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));

        await keeper.ReleaseIdleAsync();

        Assert.False(keeper.IsOpen);
        Assert.True(_connector.Last.Disposed);
        Assert.NotNull(picker.TryPlace("probe", null));
        Assert.Equal((1, 1, 3.0), (usage.Snapshot().SessionsOpened, usage.Snapshot().IdleReleases, usage.Snapshot().SessionSeconds));
    }

    private sealed class LeavingPicker(EndpointBalancer inner) : IEndpointPicker
    {
        public bool Leave { get; set; }

        public SessionPlacement? TryPlace(string speaker, InferenceEndpoint? avoid) => inner.TryPlace(speaker, avoid);

        public bool ShouldLeave(SessionPlacement placement) => Leave;
    }
}
