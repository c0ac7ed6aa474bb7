using Scribe.Egress;
using static Scribe.Egress.EgressEvent;
using EgressOutcome = Scribe.Egress.EgressOutcome;

namespace Scribe.Tests.Egress;

/// <summary>Every transition of a speaker's egress, as pure logic: the record it leaves and the orders it gives.</summary>
public sealed class EgressLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly EgressLifecycle _lifecycle = new(new EgressPolicy(RestartAttempts: 3, FirstRestartDelay: TimeSpan.FromSeconds(1)));
    private readonly EgressRecord _egress = new();

    private EgressDecision Apply(EgressEvent happened, DateTimeOffset? now = null) => _lifecycle.Apply(_egress, happened, now ?? T0);

    /// <summary>Track published, egress started, its socket attached: the everyday state.</summary>
    private void Attached(string egressId = "EG_1", string silo = "silo-a")
    {
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));
        Apply(new EgressStarted(egressId, silo));
        Apply(new IngestAttached());
    }

    [Fact]
    public void A_published_track_owes_an_egress_now()
    {
        var decision = Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));

        Assert.Equal((EgressPhase.Starting, "TR_1"), (_egress.Phase, _egress.TrackSid));
        Assert.Equal(new EgressDecision(true, StreamAction.Keep, TimeSpan.Zero), decision);
        Assert.Equal(SpeakerState.Starting, EgressLifecycle.StatusOf(_egress.Phase));
    }

    [Fact]
    public void A_track_published_while_the_room_is_not_transcribed_is_only_recorded()
    {
        var decision = Apply(new TrackPublished("TR_1", "PA_1", Transcribe: false));

        Assert.Equal((EgressPhase.Paused, "TR_1", false), (_egress.Phase, _egress.TrackSid, _egress.Transcribing));
        Assert.Null(decision.EgressWorkIn);
        Assert.Equal(SpeakerState.Stopped, EgressLifecycle.StatusOf(_egress.Phase));
    }

    [Fact]
    public void A_repeated_track_published_changes_nothing()
    {
        Attached();

        var decision = Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));

        Assert.Equal(EgressDecision.Nothing, decision);
        Assert.Equal((EgressPhase.Attached, "EG_1", 1), (_egress.Phase, _egress.EgressId, _egress.Epoch));
    }

    [Fact]
    public void A_new_track_replaces_the_old_one_and_its_egress_is_stopped()
    {
        Attached();

        var decision = Apply(new TrackPublished("TR_2", "PA_1", Transcribe: true));

        Assert.Equal((EgressPhase.Starting, "TR_2", (string?)null), (_egress.Phase, _egress.TrackSid, _egress.EgressId));
        Assert.Equal(["EG_1"], _egress.PendingStops);
        Assert.Contains("TR_1", _egress.EndedTracks);
        Assert.Equal((StreamAction.Stop, TimeSpan.Zero), (decision.Stream, decision.EgressWorkIn));
    }

    [Fact]
    public void Late_track_published_of_a_session_that_left_or_a_track_that_ended_is_ignored()
    {
        Apply(new ParticipantLeft("PA_1"));
        Assert.Equal(EgressOutcome.Stale, Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true)).Outcome);

        Apply(new TrackUnpublished("TR_2")); // reordered: unpublished before published
        Assert.Equal(EgressOutcome.Stale, Apply(new TrackPublished("TR_2", "PA_2", Transcribe: true)).Outcome);
        Assert.Equal(EgressPhase.None, _egress.Phase);
    }

    [Fact]
    public void An_unknown_track_unpublished_twice_is_remembered_once()
    {
        Assert.True(Apply(new TrackUnpublished("TR_9")).Persist);
        Assert.False(Apply(new TrackUnpublished("TR_9")).Persist);
        Assert.Equal(["TR_9"], _egress.EndedTracks);
    }

    [Fact]
    public void Ended_tracks_are_remembered_up_to_a_bound()
    {
        for (var i = 0; i < EgressPolicy.EndedTracksKept + 4; i++)
        {
            Apply(new TrackUnpublished($"TR_{i}"));
        }

        Assert.Equal(EgressPolicy.EndedTracksKept, _egress.EndedTracks.Count);
        Assert.Equal("TR_4", _egress.EndedTracks[0]);
    }

    [Theory]
    [InlineData("unpublished")]
    [InlineData("left")]
    [InlineData("room finished")]
    public void The_track_ending_stops_stream_and_egress(string how)
    {
        Attached();

        var decision = Apply(how switch
        {
            "unpublished" => new TrackUnpublished("TR_1"),
            "left" => new ParticipantLeft("PA_1"),
            _ => new RoomFinished(),
        });

        Assert.Equal((EgressPhase.None, (string?)null, (string?)null), (_egress.Phase, _egress.TrackSid, _egress.EgressId));
        Assert.Equal(["EG_1"], _egress.PendingStops);
        Assert.Equal(new EgressDecision(true, StreamAction.Stop, TimeSpan.Zero), decision);
        Assert.Equal(SpeakerState.Idle, EgressLifecycle.StatusOf(_egress.Phase));
    }

    [Fact]
    public void A_finished_room_without_a_track_changes_nothing()
    {
        Assert.Equal(EgressDecision.Nothing, Apply(new RoomFinished()));
    }

    [Fact]
    public void Starting_running_attached_count_epochs()
    {
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));
        Assert.Equal(EgressOutcome.Started, Apply(new EgressStarted("EG_1", "silo-a")).Outcome);
        Assert.Equal((EgressPhase.Running, "EG_1", "silo-a"), (_egress.Phase, _egress.EgressId, _egress.EgressSilo));

        Apply(new IngestAttached(), T0);
        Apply(new IngestAttached(), T0.AddSeconds(1)); // the same egress dialled again

        Assert.Equal((EgressPhase.Attached, 2, T0.AddSeconds(1)), (_egress.Phase, _egress.Epoch, _egress.AttachedAt));
    }

    [Fact]
    public void Ingest_attaches_only_to_a_started_egress()
    {
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));

        Assert.Equal(EgressOutcome.Stale, Apply(new IngestAttached()).Outcome);
        Assert.Equal(0, _egress.Epoch);
    }

    [Fact]
    public void An_egress_that_closed_its_socket_completed_and_is_not_restarted_until_a_resume()
    {
        Attached();

        var decision = Apply(new IngestEnded("TR_1", 1, IngestEnd.EgressClosed, "egress ended"));

        Assert.Equal((EgressPhase.Completed, (string?)null), (_egress.Phase, _egress.EgressId));
        Assert.Null(decision.EgressWorkIn);
        Assert.Empty(_egress.PendingStops);

        var resumed = Apply(new Resumed());
        Assert.Equal((EgressPhase.Starting, TimeSpan.Zero), (_egress.Phase, resumed.EgressWorkIn));
    }

    [Fact]
    public void A_lost_socket_restarts_with_doubling_backoff_then_gives_up()
    {
        Attached();
        var delays = new List<TimeSpan?>();
        for (var restart = 1; restart <= 3; restart++)
        {
            var decision = Apply(new IngestEnded("TR_1", _egress.Epoch, IngestEnd.Lost, "socket gone"));
            Assert.Equal((EgressOutcome.Restarting, StreamAction.Stop, EgressPhase.Starting), (decision.Outcome, decision.Stream, _egress.Phase));
            Assert.Equal(T0 + decision.EgressWorkIn, _egress.NotBefore);
            delays.Add(decision.EgressWorkIn);
            Apply(new EgressStarted($"EG_{restart + 1}", "silo-a"));
            Apply(new IngestAttached());
        }

        var last = Apply(new IngestEnded("TR_1", _egress.Epoch, IngestEnd.Lost, "socket gone"));

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], delays);
        Assert.Equal((EgressOutcome.GaveUp, EgressPhase.GivenUp), (last.Outcome, _egress.Phase));
        Assert.Equal("ingest Lost: socket gone (gave up after 3 restarts)", _egress.Error);
        Assert.Equal(["EG_1", "EG_2", "EG_3", "EG_4"], _egress.PendingStops);
        Assert.Equal(TimeSpan.Zero, last.EgressWorkIn); // the stops are still owed
        Assert.Equal(SpeakerState.Error, EgressLifecycle.StatusOf(_egress.Phase));

        // Given up: a resume sends the owed stops, and starts nothing.
        Assert.Equal(TimeSpan.Zero, Apply(new Resumed()).EgressWorkIn);
        foreach (var stop in _egress.PendingStops.ToList())
        {
            Apply(new StopSent(stop));
        }

        Assert.Null(Apply(new Resumed()).EgressWorkIn);
    }

    [Fact]
    public void The_backoff_is_capped()
    {
        var policy = new EgressPolicy(100, TimeSpan.FromSeconds(1));

        Assert.Equal(EgressPolicy.MaxRestartDelay, policy.RestartDelay(12));
        Assert.Equal(EgressPolicy.MaxRestartDelay, policy.RestartDelay(60));
    }

    [Fact]
    public void A_stream_that_ran_healthily_earns_its_restart_budget_back()
    {
        Attached();
        _egress.Restarts = 3;

        var decision = Apply(new IngestEnded("TR_1", 1, IngestEnd.Lost, "socket gone"), T0 + EgressPolicy.HealthyStream);

        Assert.Equal((EgressOutcome.Restarting, 1), (decision.Outcome, _egress.Restarts));
    }

    [Fact]
    public void The_end_of_an_older_stream_or_a_stopped_track_is_ignored()
    {
        Attached();

        Assert.Equal(EgressOutcome.Stale, Apply(new IngestEnded("TR_1", 0, IngestEnd.Lost, "old epoch")).Outcome);
        Assert.Equal(EgressOutcome.Stale, Apply(new IngestEnded("TR_0", 1, IngestEnd.Lost, "old track")).Outcome);
        Apply(new TrackUnpublished("TR_1"));
        Assert.Equal(EgressOutcome.Stale, Apply(new IngestEnded("TR_1", 1, IngestEnd.StoppedHere, "stopped")).Outcome);
    }

    [Fact]
    public void Egress_ended_webhooks_complete_or_restart_only_the_current_egress()
    {
        Attached();
        Assert.Equal(EgressOutcome.Stale, Apply(new EgressEnded("EG_0", Failed: true, "old")).Outcome);

        var failed = Apply(new EgressEnded("EG_1", Failed: true, "worker crashed"));
        Assert.Equal((EgressOutcome.Restarting, "egress EG_1 ended: worker crashed"), (failed.Outcome, failed.Reason));

        Apply(new EgressStarted("EG_2", "silo-a"));
        var complete = Apply(new EgressEnded("EG_2", Failed: false, "Complete"));
        Assert.Equal((EgressPhase.Completed, StreamAction.Keep), (_egress.Phase, complete.Stream));
    }

    [Fact]
    public void A_start_that_fails_is_retried_with_backoff()
    {
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));

        var decision = Apply(new EgressStartFailed("connection refused"));

        Assert.Equal((EgressOutcome.Restarting, TimeSpan.FromSeconds(1), 1), (decision.Outcome, decision.EgressWorkIn, _egress.Restarts));
        Assert.Empty(_egress.PendingStops);
    }

    [Fact]
    public void A_track_gone_at_livekit_ends_the_track()
    {
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));

        Assert.Equal(EgressOutcome.TrackGone, Apply(new TrackGone()).Outcome);
        Assert.Equal((EgressPhase.None, (string?)null), (_egress.Phase, _egress.TrackSid));
        Assert.Contains("TR_1", _egress.EndedTracks);
    }

    [Fact]
    public void A_sent_stop_is_no_longer_owed()
    {
        Attached();
        Apply(new TrackUnpublished("TR_1"));

        Assert.True(Apply(new StopSent("EG_1")).Persist);
        Assert.Empty(_egress.PendingStops);
        Assert.False(Apply(new StopSent("EG_1")).Persist);
    }

    [Theory]
    [InlineData(false, "silo-b", true)] // the egress dials another silo
    [InlineData(true, "silo-a", true)]  // it fed a stream that died with the last activation
    [InlineData(false, "silo-a", false)] // started here, not yet attached: it will dial us
    public void An_activation_restarts_an_egress_that_feeds_nobody(bool attached, string silo, bool moved)
    {
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));
        Apply(new EgressStarted("EG_1", "silo-a"));
        if (attached)
        {
            Apply(new IngestAttached());
        }

        var decision = Apply(new Activated(silo));

        if (moved)
        {
            Assert.Equal((EgressOutcome.Moved, EgressPhase.Starting, TimeSpan.Zero), (decision.Outcome, _egress.Phase, decision.EgressWorkIn));
            Assert.Equal(["EG_1"], _egress.PendingStops);
        }
        else
        {
            Assert.Equal(new EgressDecision(false), decision);
            Assert.Equal(EgressPhase.Running, _egress.Phase);
        }
    }

    [Fact]
    public void A_resume_runs_the_owed_work_and_nothing_else()
    {
        Assert.Null(Apply(new Resumed()).EgressWorkIn);
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));
        Assert.Equal(TimeSpan.Zero, Apply(new Resumed()).EgressWorkIn);
        Apply(new EgressStarted("EG_1", "silo-a"));
        Assert.Null(Apply(new Resumed()).EgressWorkIn);
    }

    [Fact]
    public void A_hand_off_leaves_the_egress_to_be_stopped_and_restarted_by_the_next_activation()
    {
        Attached();

        var decision = Apply(new HandedOff());

        Assert.Equal(new EgressDecision(true, StreamAction.Stop), decision);
        Assert.Equal((EgressPhase.Starting, (string?)null), (_egress.Phase, _egress.EgressId));
        Assert.Equal(["EG_1"], _egress.PendingStops);
        var next = Apply(new Activated("silo-b"));
        Assert.Equal((EgressOutcome.None, TimeSpan.Zero), (next.Outcome, next.EgressWorkIn));
    }

    [Fact]
    public void Transcription_off_ends_the_stream_at_a_pause_then_stops_the_egress_and_keeps_the_track()
    {
        Attached();

        var off = Apply(new TranscriptionSet(false));

        Assert.Equal(new EgressDecision(true, StreamAction.EndAtPause, TimeSpan.Zero), off);
        Assert.Equal((EgressPhase.Paused, "TR_1", (string?)null, false), (_egress.Phase, _egress.TrackSid, _egress.EgressId, _egress.Transcribing));
        Assert.Equal(["EG_1"], _egress.PendingStops);
        Assert.Equal(new EgressDecision(false), Apply(new TranscriptionSet(false)));
        Apply(new StopSent("EG_1"));
        Assert.Null(Apply(new Activated("silo-b")).EgressWorkIn); // no egress is owed while paused
    }

    [Fact]
    public void Transcription_off_before_the_egress_attached_stops_it_without_waiting()
    {
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true));
        Apply(new EgressStarted("EG_1", "silo-a"));

        Assert.Equal(StreamAction.Stop, Apply(new TranscriptionSet(false)).Stream);
        Assert.Equal(["EG_1"], _egress.PendingStops);
    }

    [Fact]
    public void Transcription_on_starts_a_fresh_egress_for_the_known_track_once()
    {
        Apply(new TrackPublished("TR_1", "PA_1", Transcribe: false));

        var on = Apply(new TranscriptionSet(true));

        Assert.Equal(new EgressDecision(true, EgressWorkIn: TimeSpan.Zero), on);
        Assert.Equal((EgressPhase.Starting, true), (_egress.Phase, _egress.Transcribing));
        Assert.Equal(new EgressDecision(false), Apply(new TranscriptionSet(true)));
    }

    [Fact]
    public void Transcription_on_without_a_track_only_records_the_wish()
    {
        _egress.Transcribing = false;

        var on = Apply(new TranscriptionSet(true));

        Assert.Equal((true, (TimeSpan?)null, EgressPhase.None), (on.Persist, on.EgressWorkIn, _egress.Phase));
    }

    [Fact]
    public void The_room_forwarding_the_same_track_carries_its_transcription_wish()
    {
        Attached();

        Assert.Equal(StreamAction.EndAtPause, Apply(new TrackPublished("TR_1", "PA_1", Transcribe: false)).Stream);
        Assert.Equal(TimeSpan.Zero, Apply(new TrackPublished("TR_1", "PA_1", Transcribe: true)).EgressWorkIn);
        Assert.Equal(EgressPhase.Starting, _egress.Phase);
    }
}
