using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Scribe.LiveKit;
using Scribe.Participants;

namespace Scribe.Agent;

/// <summary>
/// The room's agent connection on the silo that hosts the room's grain: a plain service the grain owns. It joins and
/// leaves when the grain says so (the grain's <see cref="AgentLifecycle"/> decides), feeds each subscribed microphone
/// into its speaker's stream on this silo (<see cref="AgentSpeakerFeed"/>), keeps count of who it transcribes, and
/// reports what happens back to the grain as calls to the grain itself, so the grain's turns stay short.
/// </summary>
public sealed partial class RoomAgent : IAgentRoomEvents, IAsyncDisposable
{
    /// <summary>A drained leave waits this long at most for the streams to deliver what they have.</summary>
    public static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(15);

    private readonly string _room;
    private readonly RoomAgentHost _host;
    private readonly Func<AgentReport, string, Task> _report;
    private readonly ILogger<RoomAgent> _logger;
    private readonly CancellationTokenSource _life = new();
    private readonly ConcurrentDictionary<int, AgentSpeakerFeed> _feeds = new();
    private readonly HashSet<string> _present = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private AgentRoomLink? _link;
    private DispatchedJob? _job;
    private DateTimeOffset _clockOrigin;

    internal RoomAgent(string room, RoomAgentHost host, Func<AgentReport, string, Task> report, ILogger<RoomAgent> logger)
    {
        _room = room;
        _host = host;
        _report = report;
        _logger = logger;
    }

    /// <summary>Speaker streams fed now.</summary>
    public int Feeds => _feeds.Count;

    /// <summary>
    /// Takes LiveKit's job for the room: the next join uses its token (while good). The job stays ours until the
    /// agent's session under its identity ends, however it ends; LiveKit ends the job then too.
    /// </summary>
    public void AdoptJob(DispatchedJob job)
    {
        lock (_gate)
        {
            _job = job;
        }
    }

    /// <summary>Whether a LiveKit job is the room's now (adopted, its session not over).</summary>
    public bool HasJob
    {
        get
        {
            lock (_gate)
            {
                return _job is not null;
            }
        }
    }

    /// <summary>Whether <paramref name="jobId"/> is the room's job still: adopted, and its session not over.</summary>
    public bool HoldsJob(string jobId)
    {
        lock (_gate)
        {
            return _job?.Id == jobId;
        }
    }

    /// <summary>Joins after <paramref name="delay"/>, in the background; the grain hears <see cref="AgentReport.Joined"/> or <see cref="AgentReport.JoinFailed"/>.</summary>
    public void Join(TimeSpan delay, DateTimeOffset clockOrigin, string? language)
    {
        _clockOrigin = clockOrigin;
        _ = Task.Run(() => JoinAsync(delay, language, _life.Token));
    }

    /// <summary>Leaves in the background (after the streams delivered what they have, with <paramref name="drain"/>); the grain hears <see cref="AgentReport.LeaveDone"/>.</summary>
    public void Leave(bool drain) => _ = Task.Run(() => LeaveAsync(drain, _life.Token));

    private async Task JoinAsync(TimeSpan delay, string? language, CancellationToken cancellationToken)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _host.Time, cancellationToken).ConfigureAwait(false);
            }

            string? jobToken;
            lock (_gate)
            {
                jobToken = _job?.Token;
            }

            var join = AgentToken.JoinOf(_host.Options, _room, _host.Time.GetUtcNow(), jobToken);
            var connection = await _host.Agents.JoinAsync(join, this, cancellationToken).ConfigureAwait(false);
            var link = new AgentRoomLink(connection, language);
            lock (_gate)
            {
                _link = link;
                foreach (var p in connection.Participants.Where(p => Transcribes(p.Kind, p.Identity)))
                {
                    _present.Add(p.Identity);
                }
            }

            _host.Rooms.Set(link);
            _host.Metrics.AgentJoins.Add(1, new KeyValuePair<string, object?>("outcome", "joined"));
            LogJoined(_room, connection.Participants.Count);
            await ReportAsync(AgentReport.Joined, "").ConfigureAwait(false);
            if (!connection.Participants.Any(p => Transcribes(p.Kind, p.Identity)))
            {
                // Woken for a room whose people have gone (a resume after a silo loss): not ours to keep company.
                await ReportAsync(AgentReport.NobodyLeft, "").ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogJoinFailed(e, _room);
            _host.Metrics.AgentJoins.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            await ReportAsync(AgentReport.JoinFailed, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task LeaveAsync(bool drain, CancellationToken cancellationToken)
    {
        if (drain)
        {
            try
            {
                await Task.WhenAll(_feeds.Values.Select(f => f.Done)).WaitAsync(DrainLimit, _host.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogDrainUnfinished(_room, _feeds.Count, DrainLimit.TotalSeconds);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        await DisconnectAsync().ConfigureAwait(false);
        await ReportAsync(AgentReport.LeaveDone, "").ConfigureAwait(false);
    }

    private async Task DisconnectAsync()
    {
        AgentRoomLink? link;
        lock (_gate)
        {
            (link, _link) = (_link, null);
            _present.Clear();
            _job = null; // the session is over: so is LiveKit's job
        }

        if (link is null)
        {
            return;
        }

        _host.Rooms.Remove(link);
        try
        {
            await link.Connection.LeaveAsync(CancellationToken.None).ConfigureAwait(false);
            LogLeft(_room, "leave asked");
        }
        catch (Exception e)
        {
            LogLeaveFailed(e, _room); // the media side drops a room it cannot reach; nothing to retry
        }
    }

    public void TrackSubscribed(AgentTrack track)
    {
        if (_life.IsCancellationRequested || !Transcribes(track.Kind, track.Identity))
        {
            LogTrackRefused(_room, track.Identity, track.Kind);
            _ = AgentSpeakerFeed.DiscardAsync(track.Frames, _life.Token);
            return;
        }

        lock (_gate)
        {
            _present.Add(track.Identity);
        }

        var feed = new AgentSpeakerFeed(_room, track, _host, _clockOrigin, _logger);
        _feeds[track.Handle] = feed;
        feed.Start(() => _feeds.TryRemove(new KeyValuePair<int, AgentSpeakerFeed>(track.Handle, feed)), _life.Token);
    }

    public void MuteChanged(int handle, bool muted)
    {
        if (_feeds.TryGetValue(handle, out var feed))
        {
            feed.Feeder.SetMuted(muted);
        }
    }

    public void TrackEnded(int handle, string reason)
    {
        if (_feeds.TryGetValue(handle, out var feed))
        {
            LogTrackEnded(_room, feed.Track.Identity, feed.Track.TrackSid, reason);
            feed.Feeder.End();
        }
    }

    public void ParticipantLeft(string identity, string participantSid)
    {
        bool nobody;
        lock (_gate)
        {
            nobody = _present.Remove(identity) && _present.Count == 0 && _link is not null;
        }

        if (nobody)
        {
            _ = ReportAsync(AgentReport.NobodyLeft, identity);
        }
    }

    public void Reconnecting() => _ = ReportAsync(AgentReport.Reconnecting, "");

    public void Reconnected() => _ = ReportAsync(AgentReport.Reconnected, "");

    public void Rejoining()
    {
        lock (_gate)
        {
            _job = null;
        }
    }

    public void Left(AgentLeftReason why, string reason)
    {
        LogLeft(_room, $"{why}: {reason}");
        if (why == AgentLeftReason.Asked)
        {
            return; // our own leave: LeaveDone says so
        }

        AgentRoomLink? link;
        lock (_gate)
        {
            (link, _link) = (_link, null);
            _present.Clear();
            _job = null; // LiveKit ends the job with the session; our rejoin is a session of our own
        }

        if (link is not null)
        {
            _host.Rooms.Remove(link);
        }

        // The tracks of that session end with it: their feeders complete their streams, finals delivered.
        foreach (var feed in _feeds.Values)
        {
            feed.Feeder.End();
        }

        _ = ReportAsync(why switch
        {
            AgentLeftReason.RoomClosed => AgentReport.RoomClosed,
            AgentLeftReason.Removed => AgentReport.Removed,
            _ => AgentReport.Lost,
        }, reason);
    }

    /// <summary>The room's grain deactivates: leave at once (the streams here complete with what they have).</summary>
    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync().ConfigureAwait(false);
        await DisconnectAsync().ConfigureAwait(false);
        foreach (var feed in _feeds.Values)
        {
            feed.Feeder.End();
        }
    }

    private bool Transcribes(string kind, string identity) =>
        _host.Options.Transcribes(Enum.TryParse<ParticipantKind>(kind, ignoreCase: true, out var parsed) ? parsed : ParticipantKind.Standard, identity);

    private async Task ReportAsync(AgentReport report, string reason)
    {
        try
        {
            await _report(report, reason).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogReportFailed(e, _room, report);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent joined room {Room} ({Participants} participants there)")]
    private partial void LogJoined(string room, int participants);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent could not join room {Room}")]
    private partial void LogJoinFailed(Exception exception, string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent left room {Room}: {Reason}")]
    private partial void LogLeft(string room, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent could not leave room {Room} cleanly")]
    private partial void LogLeaveFailed(Exception exception, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent in room {Room}: {Feeds} speaker streams still running after {Seconds} s; leaving anyway")]
    private partial void LogDrainUnfinished(string room, int feeds, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent in room {Room}: a track of {Identity} (kind {Kind}) is not ours to transcribe; its audio is discarded")]
    private partial void LogTrackRefused(string room, string identity, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent in room {Room}: track {TrackSid} of {Identity} ended ({Reason})")]
    private partial void LogTrackEnded(string room, string identity, string trackSid, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent in room {Room} could not tell its room grain: {Report}")]
    private partial void LogReportFailed(Exception exception, string room, AgentReport report);
}
