namespace Scribe.Tests.Grains;

/// <summary>The room's webhook ledger on Orleans' test cluster: each event id acted on once, a finished session stays finished.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class WebhookLedgerGrainTests(GrainCluster cluster)
{
    [Fact]
    public async Task A_retried_event_id_is_a_duplicate_even_after_the_ledger_deactivates()
    {
        var ledger = NewLedger();
        Assert.Equal(WebhookVerdict.Accept, await ledger.AdmitAsync("EV_1", "participant_joined", "RM_1"));
        Assert.Equal(WebhookVerdict.Duplicate, await ledger.AdmitAsync("EV_1", "participant_joined", "RM_1"));

        await cluster.DeactivateAsync(ledger);

        Assert.Equal(WebhookVerdict.Duplicate, await ledger.AdmitAsync("EV_1", "participant_joined", "RM_1"));
        Assert.Equal(WebhookVerdict.Accept, await ledger.AdmitAsync("EV_2", "participant_joined", "RM_1"));
    }

    [Fact]
    public async Task Events_of_a_finished_session_are_stray_and_a_new_session_opens_the_room_again()
    {
        var ledger = NewLedger();
        Assert.Equal(WebhookVerdict.Accept, await ledger.AdmitAsync("EV_1", "room_finished", "RM_1"));
        Assert.Equal(WebhookVerdict.RoomFinished, await ledger.AdmitAsync("EV_2", "track_published", "RM_1"));
        Assert.Equal(WebhookVerdict.RoomFinished, await ledger.AdmitAsync("EV_3", "participant_joined", null));

        Assert.Equal(WebhookVerdict.Accept, await ledger.AdmitAsync("EV_4", "participant_joined", "RM_2"));
        Assert.Equal(WebhookVerdict.Accept, await ledger.AdmitAsync("EV_5", "track_published", "RM_2"));
    }

    [Fact]
    public async Task The_ledger_remembers_its_last_ids_and_forgets_the_oldest()
    {
        var ledger = NewLedger();
        for (var n = 0; n <= WebhookLedgerCapacity; n++)
        {
            Assert.Equal(WebhookVerdict.Accept, await ledger.AdmitAsync($"EV_{n}", "participant_joined", "RM_1"));
        }

        Assert.Equal(WebhookVerdict.Duplicate, await ledger.AdmitAsync($"EV_{WebhookLedgerCapacity}", "participant_joined", "RM_1"));
        Assert.Equal(WebhookVerdict.Accept, await ledger.AdmitAsync("EV_0", "participant_joined", "RM_1")); // pushed out by the newest
    }

    [Fact]
    public async Task Each_egress_is_traced_back_to_the_participant_that_started_it()
    {
        var ledger = NewLedger();
        await ledger.RecordEgressAsync("EG_1", "alice");
        await ledger.RecordEgressAsync("EG_2", "bob");
        await cluster.DeactivateAsync(ledger);

        Assert.Equal("alice", await ledger.FindEgressOwnerAsync("EG_1"));
        Assert.Equal("bob", await ledger.FindEgressOwnerAsync("EG_2"));
        Assert.Null(await ledger.FindEgressOwnerAsync("EG_3"));
    }

    private const int WebhookLedgerCapacity = Scribe.Webhooks.WebhookLedgerGrain.Capacity;

    private IWebhookLedgerGrain NewLedger() => cluster.Grains.GetGrain<IWebhookLedgerGrain>("room-" + Guid.NewGuid().ToString("N")[..8]);
}
