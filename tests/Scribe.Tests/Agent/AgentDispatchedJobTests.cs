using Scribe.Agent;
using Scribe.LiveKit;

namespace Scribe.Tests.Agent;

/// <summary>
/// A room started by a LiveKit agent job (issue #21): the agent's first join uses the job's token; a rejoin uses one
/// of ours; LiveKit's end of the job stops the transcription only while the job's session lives (LiveKit also ends a
/// job when its agent identity leaves the room, which our own rejoin does to the old session).
/// </summary>
public sealed class AgentDispatchedJobTests : IAsyncLifetime
{
    private AgentRig _h = null!;

    public async Task InitializeAsync() => _h = await AgentRig.StartAsync("OnRequest");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task The_first_join_uses_the_jobs_token_and_after_a_lost_session_the_jobs_end_is_only_bookkeeping()
    {
        const string room = "job-rejoin";
        var grain = await StartedWithJobAsync(room, "AJ_1", out var jobToken);
        Assert.Equal(jobToken, _h.Agents.Room(room).Joins[0].Token);

        _h.Agents.Room(room).DropAgent(); // the session is lost: LiveKit ends the job, we join again on our own
        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Joins.Count == 2 && _h.Agents.Room(room).InRoom, "the agent joins again");
        Assert.NotEqual(jobToken, _h.Agents.Room(room).Joins[1].Token);

        Assert.False(await grain.EndDispatchedJobAsync("AJ_1"));
        var status = await grain.GetTranscriptionAsync();
        Assert.True(status.Active);
        Assert.Equal(0, _h.Agents.Room(room).Leaves);
    }

    [Fact]
    public async Task The_end_of_the_rooms_live_job_stops_its_transcription_and_another_jobs_end_does_not()
    {
        const string room = "job-end";
        var grain = await StartedWithJobAsync(room, "AJ_2", out _);

        Assert.False(await grain.EndDispatchedJobAsync("AJ_other"));
        Assert.True((await grain.GetTranscriptionAsync()).Active);

        Assert.True(await grain.EndDispatchedJobAsync("AJ_2"));
        var status = await grain.GetTranscriptionAsync();
        Assert.False(status.Active);
        Assert.Equal("dispatch", status.RequestedBy);
        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Leaves == 1, "the agent leaves");
    }

    [Fact]
    public void A_job_token_is_used_while_it_has_more_than_a_minute_left()
    {
        var now = DateTimeOffset.UtcNow;
        var options = new LiveKitOptions { Url = "http://lk.example", ApiKey = "key", ApiSecret = "a-secret-long-enough-for-hs256-0000", AgentIdentity = "scribe" };
        // LiveKit's job tokens last an hour; this one was issued an hour minus its time left ago.
        string JobToken(TimeSpan left) =>
            new AgentTokenMinter(options.ApiKey, options.ApiSecret, new FixedTime(now + left - TimeSpan.FromHours(1))) { Ttl = TimeSpan.FromHours(1) }.Mint("r", "scribe", "from-the-job");

        var good = JobToken(TimeSpan.FromMinutes(10));
        Assert.Equal(good, AgentToken.JoinOf(options, "r", now, good).Token);
        foreach (var unusable in new[] { JobToken(TimeSpan.FromSeconds(30)), JobToken(TimeSpan.FromMinutes(-5)), "not.a-jwt", "" })
        {
            var join = AgentToken.JoinOf(options, "r", now, unusable);
            Assert.NotEqual(unusable, join.Token);
            Assert.True(AgentToken.Usable(join.Token, now)); // ours, fresh
        }
    }

    private Task<IRoomGrain> StartedWithJobAsync(string room, string jobId, out string jobToken)
    {
        jobToken = new AgentTokenMinter(TestSilo.LiveKitKey, TestSilo.LiveKitSecret).Mint(room, "scribe", "from-the-job");
        return StartAsync(room, new DispatchedJob(jobId, jobToken));
    }

    private async Task<IRoomGrain> StartAsync(string room, DispatchedJob job)
    {
        await _h.RoomStartedAsync(room);
        await _h.JoinAndPublishAsync(room, "alice", AgentRig.Speech(ToneSpeech.RandomSentences(4, seed: 84)));
        var grain = _h.Rig.Grains.GetGrain<IRoomGrain>(room);
        await grain.StartTranscriptionAsync(new TranscriptionRequest(null, "dispatch", job));
        await Eventually.HoldsAsync(() => _h.Agents.Room(room).Joins.Count == 1 && _h.Agents.Room(room).InRoom, "the agent joins");
        return grain;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
