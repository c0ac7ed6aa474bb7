using static Scribe.Rooms.RoomEvent;

namespace Scribe.Tests.Rooms;

/// <summary>The room's phases as pure logic: start, finish, and when its transcript is called ready.</summary>
public sealed class RoomLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly RoomLifecycle _lifecycle = new(Wait);

    [Fact]
    public void An_unknown_room_starts_once_and_keeps_its_clock_through_a_finish_and_a_restart()
    {
        var room = new RoomRecord();
        Assert.True(_lifecycle.Apply(room, new Started(T0)).Began);
        Assert.False(_lifecycle.Apply(room, new Started(T0.AddMinutes(1))).Began);
        Assert.True(_lifecycle.Apply(room, new Finished(T0.AddMinutes(5))).Ended);
        Assert.False(_lifecycle.Apply(room, new Finished(T0.AddMinutes(6))).Ended);
        Assert.Equal((RoomPhase.Finished, RoomState.Finished), (room.Phase, RoomLifecycle.StateOf(room.Phase)));

        Assert.True(_lifecycle.Apply(room, new Started(T0.AddMinutes(9))).Began);
        Assert.Equal((RoomPhase.Active, T0, (DateTimeOffset?)null), (room.Phase, room.ClockOrigin!.Value, room.FinishedAt));
    }

    [Fact]
    public void A_finished_room_is_ready_at_once_when_its_streams_ended_and_nothing_is_interim()
    {
        var room = Finished();
        Assert.Equal(new RoomDecision(false, AnnounceReady: true), _lifecycle.Apply(room, new Settling(T0.AddMilliseconds(400), StreamsEnded: true, OpenInterims: false)));
        Assert.True(_lifecycle.Apply(room, new ReadyAnnounced()).Persist);
        Assert.Equal(RoomPhase.Ready, room.Phase);
        Assert.Same(RoomDecision.Nothing, _lifecycle.Apply(room, new Settling(T0.AddMinutes(1), true, false))); // once per finish
    }

    [Fact]
    public void A_stream_that_vanished_is_waited_for_then_what_it_left_interim_is_closed()
    {
        var room = Finished();
        Assert.Same(RoomDecision.Nothing, _lifecycle.Apply(room, new Settling(T0 + Wait - TimeSpan.FromMilliseconds(1), StreamsEnded: false, OpenInterims: false)));
        Assert.Same(RoomDecision.Nothing, _lifecycle.Apply(room, new Settling(T0.AddSeconds(1), StreamsEnded: true, OpenInterims: true)));
        Assert.Equal(new RoomDecision(false, CloseInterims: true, AnnounceReady: true), _lifecycle.Apply(room, new Settling(T0 + Wait, false, OpenInterims: true)));
        Assert.Equal(RoomPhase.Finished, room.Phase); // ready only once the announcement is queued
    }

    [Fact]
    public void Finishing_a_room_that_never_ran_only_lets_a_requested_transcription_lapse()
    {
        var room = new RoomRecord { Transcription = new RoomTranscription { Active = true } };
        Assert.Equal(new RoomDecision(true, Ended: true), _lifecycle.Apply(room, new Finished(T0)));
        Assert.Equal(RoomPhase.Unknown, room.Phase);
    }

    private RoomRecord Finished()
    {
        var room = new RoomRecord();
        _lifecycle.Apply(room, new Started(T0.AddMinutes(-10)));
        _lifecycle.Apply(room, new Finished(T0));
        return room;
    }
}
