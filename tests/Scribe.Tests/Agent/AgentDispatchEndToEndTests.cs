using System.Diagnostics;

namespace Scribe.Tests.Agent;

/// <summary>
/// LiveKit's agent dispatch (issue #21): a silo under <c>Transcription:Activation</c> = <c>Dispatch</c> registers on
/// the stand-in SFU's <c>/agent</c>; a dispatch of a room (as Meet's <c>CreateAgentDispatch</c>) brings the agent in and
/// captions out, a second dispatch is ended without a second agent, the job's termination makes the agent leave, a
/// worker whose connection was lost registers again and takes the next job, and the end LiveKit gives a job whose
/// agent left the room (nobody to transcribe) leaves the room transcribed.
/// </summary>
public sealed class AgentDispatchEndToEndTests
{
    private const string AgentName = "multi-user-transcriber"; // the default, which Meet dispatches

    [Fact]
    public async Task A_dispatched_room_is_captioned_by_the_agent_until_its_job_is_terminated()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = cts.Token;
        var utterances = await SfuMeeting.UtterancesAsync(ct);
        await using var meeting = await SfuMeeting.StartAsync(ct, new Dictionary<string, string?> { ["Transcription:Activation"] = "Dispatch" });
        const string room = "dispatched";

        var registered = await Eventually.ReturnsAsync(
            async () => (await meeting.Sfu.GetEventsAsync(ct)).FirstOrDefault(e => e.Event == "worker_registered"),
            e => e is not null, "the silo registers as an agent worker", TimeSpan.FromSeconds(30));
        Assert.Equal(AgentName, registered!.Raw["agentName"]!.GetValue<string>());
        Assert.Equal("JT_ROOM", registered.Raw["type"]!.GetValue<string>());
        var permissions = registered.Raw["permissions"]!.AsObject();
        Assert.True(permissions["hidden"]!.GetValue<bool>() && permissions["canSubscribe"]!.GetValue<bool>() && permissions["canPublishData"]!.GetValue<bool>());

        await meeting.Sfu.AddParticipantAsync(room, "alice", cancellationToken: ct);
        var track = await meeting.Sfu.PublishMicrophoneAsync(room, "alice", [], ct);
        await Eventually.HoldsAsync(
            async () => (await meeting.Rig.Silo.Admin.GetAsync(new Uri($"/api/rooms/{room}", UriKind.Relative), ct)).IsSuccessStatusCode,
            "the cluster knows the room");
        Assert.Empty(await meeting.AgentJoinsAsync(room, ct)); // not dispatched yet: no agent

        var job = await meeting.Sfu.DispatchAgentAsync(room, AgentName, ct);
        Assert.True(job["assigned"]!.GetValue<bool>(), job.ToJsonString());
        Assert.Equal(SfuMeeting.AgentIdentity, job["identity"]!.GetValue<string>()); // the identity the job token is minted for
        var jobId = job["jobId"]!.GetValue<string>();
        await meeting.WaitSubscribedAsync(room, track, ct);
        // The agent joined with the job's token: what LiveKit puts in it, lk.agent_name among it, is on the participant.
        var joined = Assert.Single(await meeting.AgentJoinsAsync(room, ct));
        Assert.Equal(AgentName, joined.Raw["participant"]?["attributes"]?["lk.agent_name"]?.GetValue<string>());
        await meeting.SpeakAsync(room, "alice", [utterances[2]], TimeSpan.FromSeconds(1), ct);
        var received = await meeting.WaitForFinalsAsync(room, "alice", 1, ct);
        Assert.Contains(received.Transcriptions, t => t.TranscribedParticipantIdentity == "alice" && t.TrackId == track && t.Segments[0].Final);

        var status = await TranscriptionAsync(meeting, room, ct);
        Assert.True(status.GetProperty("active").GetBoolean());
        Assert.Equal("dispatch", status.GetProperty("requestedBy").GetString());
        await WaitJobStatusAsync(meeting, jobId, "JS_RUNNING", ct);

        // The room already has our agent: a second job is ended at availability, with no second agent.
        var second = await meeting.Sfu.DispatchAgentAsync(room, AgentName, ct);
        Assert.False(second["assigned"]!.GetValue<bool>());
        Assert.Equal("JS_SUCCESS", second["status"]!.GetValue<string>());
        Assert.Single(await meeting.AgentJoinsAsync(room, ct));

        await meeting.Sfu.TerminateJobAsync(room, jobId, ct);
        await Eventually.HoldsAsync(
            async () => (await meeting.Sfu.GetRoomAsync(room, ct))!.Participants.All(p => p.Identity != SfuMeeting.AgentIdentity),
            "the agent leaves the room", TimeSpan.FromSeconds(30));
        await WaitJobStatusAsync(meeting, jobId, "JS_SUCCESS", ct);
        status = await TranscriptionAsync(meeting, room, ct);
        Assert.False(status.GetProperty("active").GetBoolean());
        Assert.Equal("dispatch", status.GetProperty("requestedBy").GetString());

        // A lost connection: the worker registers again, and takes the next dispatch of the room.
        await meeting.Sfu.DropAgentWorkersAsync(ct);
        await Eventually.HoldsAsync(
            async () => (await meeting.Sfu.GetEventsAsync(ct)).Count(e => e.Event == "worker_registered") == 2,
            "the worker registers again", TimeSpan.FromSeconds(30));
        var again = await meeting.Sfu.DispatchAgentAsync(room, AgentName, ct);
        Assert.True(again["assigned"]!.GetValue<bool>(), again.ToJsonString());
        await meeting.WaitSubscribedAsync(room, track, ct);

        // Nobody left to transcribe: our agent leaves, and LiveKit ends its job for that. The room stays transcribed
        // (that ending is LiveKit's bookkeeping), so the agent comes back on its own with the next speaker.
        var againId = again["jobId"]!.GetValue<string>();
        await meeting.Sfu.LeaveAsync(room, "alice", ct);
        await Eventually.HoldsAsync(
            async () => (await meeting.Sfu.GetEventsAsync(ct)).Any(e => e.Event == "job_terminated" && e.Raw["jobId"]?.GetValue<string>() == againId
                && e.Raw["reason"]?.GetValue<string>() == "agent worker left the room"),
            "LiveKit ends the job as its agent left", TimeSpan.FromSeconds(30));
        await WaitJobStatusAsync(meeting, againId, "JS_SUCCESS", ct); // the worker took the termination, and ignored it
        Assert.True((await TranscriptionAsync(meeting, room, ct)).GetProperty("active").GetBoolean());
        await meeting.Sfu.AddParticipantAsync(room, "bob", cancellationToken: ct);
        var bobs = await meeting.Sfu.PublishMicrophoneAsync(room, "bob", [], ct);
        await meeting.WaitSubscribedAsync(room, bobs, ct);
    }

    [Fact]
    public async Task After_a_media_process_kill_the_agent_rejoins_on_its_own_token_and_the_jobs_end_leaves_the_room_transcribed()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = cts.Token;
        var utterances = await SfuMeeting.UtterancesAsync(ct);
        await using var meeting = await SfuMeeting.StartAsync(ct, new Dictionary<string, string?> { ["Transcription:Activation"] = "Dispatch" });
        const string room = "dispatched-media-kill";
        await Eventually.HoldsAsync(
            async () => (await meeting.Sfu.GetEventsAsync(ct)).Any(e => e.Event == "worker_registered"), "the silo registers as an agent worker", TimeSpan.FromSeconds(30));
        await meeting.Sfu.AddParticipantAsync(room, "alice", cancellationToken: ct);
        var track = await meeting.Sfu.PublishMicrophoneAsync(room, "alice", [], ct);
        await Eventually.HoldsAsync(
            async () => (await meeting.Rig.Silo.Admin.GetAsync(new Uri($"/api/rooms/{room}", UriKind.Relative), ct)).IsSuccessStatusCode,
            "the cluster knows the room");
        var job = await meeting.Sfu.DispatchAgentAsync(room, AgentName, ct);
        var jobId = job["jobId"]!.GetValue<string>();
        await meeting.WaitSubscribedAsync(room, track, ct);
        var runs = meeting.Media.Runs;
        var pid = meeting.Media.ProcessId ?? throw new InvalidOperationException("no media process");

        using (var child = Process.GetProcessById(pid))
        {
            child.Kill(); // no leave: to LiveKit, the job's session ends when our new join replaces it
        }

        await Eventually.HoldsAsync(() => meeting.Media.Runs > runs, "the media process is restarted", TimeSpan.FromSeconds(30));
        await Eventually.HoldsAsync(async () => (await meeting.AgentJoinsAsync(room, ct)).Count == 2, "the agent joins again", TimeSpan.FromSeconds(30));
        var rejoin = (await meeting.AgentJoinsAsync(room, ct))[1];
        Assert.Null(rejoin.Raw["participant"]?["attributes"]?["lk.agent_name"]); // a token of ours
        await Eventually.HoldsAsync(
            async () => (await meeting.Sfu.GetEventsAsync(ct)).Any(e => e.Event == "job_terminated" && e.Raw["jobId"]?.GetValue<string>() == jobId
                && e.Raw["reason"]?.GetValue<string>() == "agent worker left the room"),
            "LiveKit ends the job as its first session left", TimeSpan.FromSeconds(30));
        await WaitJobStatusAsync(meeting, jobId, "JS_SUCCESS", ct); // the worker took the termination, and ignored it
        Assert.True((await TranscriptionAsync(meeting, room, ct)).GetProperty("active").GetBoolean());

        await meeting.WaitSubscribedAsync(room, track, ct);
        await meeting.SpeakAsync(room, "alice", [utterances[2]], TimeSpan.FromSeconds(1), ct);
        await meeting.WaitForFinalsAsync(room, "alice", 1, ct);
    }

    private static Task<JsonElement> TranscriptionAsync(SfuMeeting meeting, string room, CancellationToken ct) =>
        meeting.Rig.Silo.Admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/rooms/{room}/transcription", UriKind.Relative), ct);

    private static Task WaitJobStatusAsync(SfuMeeting meeting, string jobId, string status, CancellationToken ct) =>
        Eventually.HoldsAsync(
            async () => (await meeting.Sfu.GetEventsAsync(ct)).Any(e => e.Event == "job_status" && e.Raw["jobId"]?.GetValue<string>() == jobId && e.Raw["status"]?.GetValue<string>() == status),
            $"the worker reports job {jobId} {status}", TimeSpan.FromSeconds(30));
}
