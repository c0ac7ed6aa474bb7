using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>
/// Keeps one speaker's realtime session: places it on an endpoint through the picker, opens it, and when it is
/// lost opens another (another endpoint when one has room) with back-off, waiting for a socket when every endpoint
/// is at its socket cap, and replays the unfinished generation on it through the owner's replay callback. Its
/// events go to the owner's loop as inputs. Between generations it releases an idle session and leaves an endpoint
/// the picker wants left. Where it stands is one <see cref="SessionStatus"/>, changed only through
/// <see cref="SessionStatus.Apply"/>. Used by the transcriber's loop only; its status may be read from anywhere.
/// </summary>
internal sealed partial class SessionKeeper(
    SpeakerContext speaker,
    TranscriberOptions options,
    IEndpointPicker endpoints,
    IRealtimeConnector connector,
    CapacityWait capacity,
    SpeakerUsageMeter usage,
    ScribeMetrics metrics,
    TimeProvider time,
    ILogger logger,
    ChannelWriter<TranscriberInput> events,
    Func<IRealtimeSession, CancellationToken, Task> replay)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);

    private volatile IRealtimeSession? _session;
    private volatile SessionPlacement? _placement;
    private volatile SessionStatus _status = SessionStatus.Initial;

    public bool IsOpen => _session is not null;

    public string? EndpointName => _placement?.Endpoint.Name;

    /// <summary>Where the session stands, and why the last attempt failed (null once a session is open).</summary>
    public SessionStatus Status => _status;

    public string? Error => _status.Error;

    /// <summary>An event of the session in use; events of a session already replaced are stale.</summary>
    public bool IsCurrent(SessionEvent sessionEvent) => ReferenceEquals(sessionEvent.Session, _session);

    /// <summary>A configuration fault: every generation will be refused the same way. The first one names the cause.</summary>
    public void ReportFault(string error) => Apply(new SessionChange.Faulted(error));

    /// <summary>Admission found no generation slot: the speaker waits (its socket, if any, stays open).</summary>
    public void OnCapacityFull() => Apply(new SessionChange.CapacityFull());

    /// <summary>
    /// The generation has its slot: the socket is kept when the slot is on its endpoint, else closed so the
    /// generation opens where the slot is (a new socket costs a handshake; waiting for this one's endpoint could cost seconds).
    /// </summary>
    public async Task FollowSlotAsync(GenerationTicket ticket)
    {
        Apply(new SessionChange.Admitted(IsOpen));
        if (ticket.Endpoint is { } admitted && EndpointName is { } current && !string.Equals(admitted, current, StringComparison.Ordinal))
        {
            metrics.EndpointMoves.Add(1, new KeyValuePair<string, object?>("endpoint", current));
            await CloseAsync().ConfigureAwait(false);
        }
    }

    public Task CommitFinalAsync(CancellationToken cancellationToken) =>
        _session is { } session ? SendAsync(session, session.CommitFinalAsync(cancellationToken), cancellationToken) : RecoverAsync(null, cancellationToken);

    public Task AppendAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken) =>
        _session is { } session ? SendAsync(session, session.AppendAsync(samples, cancellationToken), cancellationToken) : RecoverAsync(null, cancellationToken);

    /// <summary>Starts the owner's generation: on the open session, or on a new one (which replays it whole).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_session is not { } session)
        {
            await RecoverAsync(null, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await replay(session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionLoss(e, cancellationToken))
        {
            await LostAsync(session, e.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The session ended under us: re-open and replay when a generation is in flight, else just let it go.</summary>
    public async Task OnEndedAsync(SessionEvent ended, bool inFlight, CancellationToken cancellationToken)
    {
        var reason = ended.Failure?.Message ?? "closed by the server";
        if (inFlight)
        {
            await LostAsync(ended.Session, reason, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Nothing in flight: a silent speaker needs no session until it speaks again (as after an idle release).
        LogDisconnected(speaker.Room, speaker.Identity, ended.Session.Endpoint.Name, reason);
        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Moves the unfinished generation off the current session (a stalled or failed engine).</summary>
    public Task MoveAsync(CancellationToken cancellationToken) => RecoverAsync(_session?.Endpoint, cancellationToken);

    /// <summary>
    /// Gives a silent speaker's session back (socket closed, its place on the endpoint freed). Only between
    /// generations, with nothing held: no generation is ever cut by a release. The next speech opens a new session.
    /// </summary>
    public async Task ReleaseIdleAsync()
    {
        var endpoint = EndpointName ?? "?";
        usage.IdleReleased();
        await CloseAsync().ConfigureAwait(false);
        LogIdleReleased(speaker.Room, speaker.Identity, endpoint, options.IdleReleaseMs);
    }

    /// <summary>
    /// Endpoints hook: between generations a session can move without cutting or replaying anything, so a
    /// draining, failing or removed endpoint is left here; the next generation opens wherever the picker says.
    /// </summary>
    public async Task LeaveIfAskedAsync()
    {
        if (_placement is { } placement && endpoints.ShouldLeave(placement))
        {
            metrics.EndpointMoves.Add(1, new KeyValuePair<string, object?>("endpoint", placement.Endpoint.Name));
            await CloseAsync().ConfigureAwait(false);
        }
    }

    public async Task CloseAsync()
    {
        var session = _session;
        _session = null;
        _placement?.Dispose();
        _placement = null;
        Apply(new SessionChange.Closed());
        if (session is not null)
        {
            usage.SessionClosed();
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The keeper's one transition: runs on the loop only, so changes never race; readers see whole statuses.</summary>
    private void Apply(SessionChange change) => _status = _status.Apply(change);

    private async Task SendAsync(IRealtimeSession session, ValueTask send, CancellationToken cancellationToken)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionLoss(e, cancellationToken))
        {
            await LostAsync(session, e.Message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task LostAsync(IRealtimeSession session, string reason, CancellationToken cancellationToken)
    {
        LogDisconnected(speaker.Room, speaker.Identity, session.Endpoint.Name, reason);
        await RecoverAsync(session.Endpoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a session (another endpoint than <paramref name="failed"/> when one has room) and replays the
    /// unfinished generation on it, backing off between failed attempts.
    /// </summary>
    private async Task RecoverAsync(InferenceEndpoint? failed, CancellationToken cancellationToken)
    {
        await CloseAsync().ConfigureAwait(false);
        var key = $"{speaker.Room}/{speaker.Identity}";
        var delay = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var avoid = failed;
            var (placement, waited) = await capacity.UntilGrantedAsync(
                _ => ValueTask.FromResult(endpoints.TryPlace(key, avoid)), OnCapacityFull, cancellationToken).ConfigureAwait(false);
            if (waited is { } socketWait)
            {
                metrics.CapacityWaitTime.Record(socketWait.TotalMilliseconds);
            }

            if (await TryOpenAsync(placement, attempt, reconnect: failed is not null, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            failed = placement.Endpoint;
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, MaxBackoff.TotalMilliseconds));
        }
    }

    private async Task<bool> TryOpenAsync(SessionPlacement placement, int attempt, bool reconnect, CancellationToken cancellationToken)
    {
        Apply(new SessionChange.Connecting());
        try
        {
            var session = await connector.OpenAsync(
                placement.Endpoint, options.Language, TimeSpan.FromMilliseconds(options.HandshakeTimeoutMs), cancellationToken).ConfigureAwait(false);
            _session = session;
            _placement = placement;
            usage.SessionOpened();
            _ = PumpEventsAsync(session, cancellationToken);
            if (reconnect)
            {
                metrics.Reconnects.Add(1);
            }

            await replay(session, cancellationToken).ConfigureAwait(false);
            Apply(new SessionChange.Opened());
            LogSessionOpened(speaker.Room, speaker.Identity, placement.Endpoint.Name, session.Id, attempt);
            return true;
        }
        catch (Exception e) when (e is RealtimeSessionException || IsConnectionLoss(e, cancellationToken))
        {
            placement.Dispose();
            await CloseAsync().ConfigureAwait(false);
            Apply(new SessionChange.ConnectFailed(e.Message, attempt));
            LogConnectFailed(speaker.Room, speaker.Identity, placement.Endpoint.Name, attempt, e.Message);
            return false;
        }
    }

    /// <summary>
    /// A socket that broke under a send. When the reading side notices a dead peer it aborts the socket, and a
    /// send in flight then ends as cancelled although nobody cancelled us: that is a lost connection too.
    /// </summary>
    private static bool IsConnectionLoss(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException or OperationCanceledException;

    /// <summary>
    /// Hands the session's events to the loop as inputs, then its end. Waits when the loop's channel is full, so a
    /// slow loop slows the reading of the socket rather than dropping an event.
    /// </summary>
    private async Task PumpEventsAsync(IRealtimeSession session, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (await session.ReceiveAsync(cancellationToken).ConfigureAwait(false) is { } next)
            {
                await events.WriteAsync(new SessionEvent(session, next, null), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (ChannelClosedException)
        {
            return;
        }
        catch (Exception e)
        {
            failure = e;
        }

        try
        {
            await events.WriteAsync(new SessionEvent(session, null, failure), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            // The loop has stopped: nobody is left to tell.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: realtime session on {Endpoint} lost: {Reason}")]
    private partial void LogDisconnected(string room, string identity, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: realtime session {SessionId} open on {Endpoint} (attempt {Attempt})")]
    private partial void LogSessionOpened(string room, string identity, string endpoint, string sessionId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Speaker {Room}/{Identity}: silent for {IdleReleaseMs} ms, realtime session on {Endpoint} released")]
    private partial void LogIdleReleased(string room, string identity, string endpoint, int idleReleaseMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speaker {Room}/{Identity}: could not open a session on {Endpoint} (attempt {Attempt}): {Reason}")]
    private partial void LogConnectFailed(string room, string identity, string endpoint, int attempt, string reason);
}
