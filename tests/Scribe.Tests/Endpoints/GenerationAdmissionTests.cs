using Scribe.Endpoints;

namespace Scribe.Tests.Endpoints;

/// <summary>The admission policy alone, in virtual time.</summary>
public sealed class GenerationAdmissionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    private static GenerationSlotRequest Ask(string speaker, double speechStartedAtMs, string? current, params GenerationCapacity[] endpoints) =>
        new(speaker, T0.AddMilliseconds(speechStartedAtMs), current, endpoints, Lifetime);

    private static GenerationCapacity Gpu(string name, int slots, bool open = true, int? reported = null, DateTimeOffset? probedAt = null) =>
        new(name, slots, open, reported, probedAt);

    [Fact]
    public void An_endpoint_runs_no_more_generations_than_its_slots_and_a_release_frees_one()
    {
        var admission = new GenerationAdmission();
        var a = admission.TryAcquire(Ask("r/1", 0, null, Gpu("a", 2)), T0);
        var b = admission.TryAcquire(Ask("r/2", 10, null, Gpu("a", 2)), T0);
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Null(admission.TryAcquire(Ask("r/3", 20, null, Gpu("a", 2)), T0));
        Assert.Equal(1, admission.Waiting);

        admission.Release(a!.Id, T0.AddSeconds(1));
        var c = admission.TryAcquire(Ask("r/3", 20, null, Gpu("a", 2)), T0.AddSeconds(1));
        Assert.Equal("a", c?.Endpoint);
        Assert.Equal(0, admission.Waiting);
        Assert.Equal(2, admission.RunningOn("a"));
    }

    [Fact]
    public void A_grant_says_how_long_the_speaker_was_refused_counted_from_its_first_refusal()
    {
        var admission = new GenerationAdmission();
        var held = admission.TryAcquire(Ask("r/1", 0, null, Gpu("a", 1)), T0, out var first)!;
        Assert.Equal(TimeSpan.Zero, first);

        Assert.Null(admission.TryAcquire(Ask("r/2", 100, null, Gpu("a", 1)), T0.AddMilliseconds(100), out _));
        Assert.Null(admission.TryAcquire(Ask("r/2", 100, null, Gpu("a", 1)), T0.AddMilliseconds(400), out _));
        admission.Release(held.Id, T0.AddMilliseconds(600));
        Assert.NotNull(admission.TryAcquire(Ask("r/2", 100, null, Gpu("a", 1)), T0.AddMilliseconds(700), out var waited));
        Assert.Equal(TimeSpan.FromMilliseconds(600), waited);
    }

    [Fact]
    public void Waiting_speakers_are_served_in_the_order_their_speech_began_whoever_asks_first()
    {
        var admission = new GenerationAdmission();
        var held = admission.TryAcquire(Ask("r/1", 0, null, Gpu("a", 1)), T0)!;
        Assert.Null(admission.TryAcquire(Ask("r/early", 100, null, Gpu("a", 1)), T0.AddMilliseconds(100)));
        Assert.Null(admission.TryAcquire(Ask("r/late", 200, null, Gpu("a", 1)), T0.AddMilliseconds(200)));

        admission.Release(held.Id, T0.AddMilliseconds(300));
        // The later speaker asks first after the release: the slot is kept for the earlier one.
        Assert.Null(admission.TryAcquire(Ask("r/late", 200, null, Gpu("a", 1)), T0.AddMilliseconds(310)));
        Assert.NotNull(admission.TryAcquire(Ask("r/early", 100, null, Gpu("a", 1)), T0.AddMilliseconds(320)));
    }

    [Fact]
    public void A_monologue_cut_at_its_window_queues_behind_a_speaker_who_began_while_it_ran()
    {
        var admission = new GenerationAdmission();
        var window = admission.TryAcquire(Ask("r/talker", 0, null, Gpu("a", 1)), T0)!;
        Assert.Null(admission.TryAcquire(Ask("r/other", 5_000, null, Gpu("a", 1)), T0.AddSeconds(5)));

        Assert.Null(admission.TryAcquire(Ask("r/other", 5_000, null, Gpu("a", 1)), T0.AddSeconds(29))); // it keeps asking
        admission.Release(window.Id, T0.AddSeconds(30));
        // The talker's next window carries speech from the cut (30 s): the other began at 5 s.
        Assert.Null(admission.TryAcquire(Ask("r/talker", 30_000, "a", Gpu("a", 1)), T0.AddSeconds(30)));
        Assert.NotNull(admission.TryAcquire(Ask("r/other", 5_000, null, Gpu("a", 1)), T0.AddSeconds(30.05)));
    }

    [Fact]
    public void A_speaker_stays_on_its_socket_s_endpoint_when_it_has_a_slot_and_moves_when_it_has_none()
    {
        var admission = new GenerationAdmission();
        Assert.Equal("b", admission.TryAcquire(Ask("r/1", 0, "b", Gpu("a", 4), Gpu("b", 1)), T0)?.Endpoint);
        Assert.Equal("a", admission.TryAcquire(Ask("r/2", 0, "b", Gpu("a", 4), Gpu("b", 1)), T0)?.Endpoint);
        Assert.Equal("a", admission.TryAcquire(Ask("r/3", 0, null, Gpu("a", 4), Gpu("b", 1, open: false)), T0)?.Endpoint);
    }

    [Fact]
    public void Other_clients_requests_take_slots_but_our_own_recent_generations_are_not_counted_twice()
    {
        var admission = new GenerationAdmission();
        // The probe saw 3 requests while none were ours: 3 of 4 slots belong to someone else.
        var probe = T0;
        Assert.NotNull(admission.TryAcquire(Ask("r/1", 0, null, Gpu("a", 4, reported: 3, probedAt: probe)), T0.AddSeconds(1)));
        Assert.Null(admission.TryAcquire(Ask("r/2", 0, null, Gpu("a", 4, reported: 3, probedAt: probe)), T0.AddSeconds(1)));

        // Later the probe sees 2 running, both ours (one since finished): nothing is someone else's.
        var fresh = new GenerationAdmission();
        var first = fresh.TryAcquire(Ask("r/1", 0, null, Gpu("a", 2)), T0)!;
        Assert.NotNull(fresh.TryAcquire(Ask("r/2", 0, null, Gpu("a", 2)), T0));
        fresh.Release(first.Id, T0.AddMilliseconds(500));
        Assert.NotNull(fresh.TryAcquire(Ask("r/3", 600, null, Gpu("a", 2, reported: 2, probedAt: T0.AddMilliseconds(400))), T0.AddMilliseconds(600)));
    }

    [Fact]
    public void A_lease_of_a_silo_that_died_expires_and_a_waiter_that_stopped_asking_drops_out()
    {
        var admission = new GenerationAdmission();
        Assert.NotNull(admission.TryAcquire(Ask("r/1", 0, null, Gpu("a", 1)), T0));
        Assert.Null(admission.TryAcquire(Ask("r/2", 10, null, Gpu("a", 1)), T0));
        Assert.Null(admission.TryAcquire(Ask("r/3", 20, null, Gpu("a", 1)), T0));

        // r/1's silo is gone (never releases); r/2 stops asking; r/3 keeps asking.
        var later = T0 + Lifetime;
        Assert.Null(admission.TryAcquire(Ask("r/3", 20, null, Gpu("a", 1)), later - TimeSpan.FromSeconds(1)));
        Assert.Equal("a", admission.TryAcquire(Ask("r/3", 20, null, Gpu("a", 1)), later)?.Endpoint);
        Assert.Equal(0, admission.Waiting);
    }
}
