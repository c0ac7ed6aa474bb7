using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scribe.Endpoints;
using Scribe.Telemetry;

namespace Scribe.Realtime;

/// <summary>An event read from a session, or (<see cref="Event"/> null) the end of that session.</summary>
internal sealed record SessionEvent(IRealtimeSession Session, RealtimeServerEvent? Event, Exception? Failure);

/// <summary>
/// Keeps one speaker's realtime session: leases an endpoint from the picker, opens the session, and when it is lost
/// opens another (another endpoint when one has room) with backoff, waiting for capacity when every endpoint is
/// full, and replays the unfinished generation on it through the owner's replay callback. Between generations it
/// releases an idle session and leaves an endpoint the picker wants left. Used by the transcriber's loop only; its
/// state may be read from anywhere.
/// </summary>
internal sealed partial class SessionKeeper(
    SpeakerContext speaker,
    TranscriberOptions options,
    IEndpointPicker endpoints,
    IRealtimeConnector connector,
    SpeakerUsageMeter usage,
    ScribeMetrics metrics,
    TimeProvider time,
    ILogger logger,
    Func<IRealtimeSession, CancellationToken, Task> replay)
{
    private const int AttemptsBeforeError = 5;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);

    /// <summary>Slots freed on other silos are not signalled here: a waiting speaker asks again this often.</summary>
    private static readonly TimeSpan AdmissionPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Beyond the longest a generation can hold its slot (window, grace, final time-outs with their retries).</summary>
    private static readonly TimeSpan GenerationLeaseMargin = TimeSpan.FromSeconds(30);

    private readonly Channel<SessionEvent> _events = Channel.CreateUnbounded<SessionEvent>(new() { SingleReader = true });
    private volatile IRealtimeSession? _session;
    private volatile EndpointLease? _lease;
    private volatile bool _waitingForCapacity;
    private GenerationTicket? _generation; // the loop's alone
    private volatile bool _failing;
    private volatile string? _error;

    public ChannelReader<SessionEvent> Events => _events.Reader;

    public bool IsOpen => _session is not null;

    public string? EndpointName => _lease?.Endpoint.Name;

    /// <summary>Every endpoint is full: the session waits for a slot.</summary>
    public bool WaitingForCapacity => _waitingForCapacity;

    /// <summary>Opening keeps failing, or the endpoint refuses our configuration; cleared by the next session that opens.</summary>
    public bool Failing => _failing;

    /// <summary>Why the last attempt failed; null once a session is open.</summary>
    public string? Error => _error;

    /// <summary>An event of the session in use; events of a session already replaced are stale.</summary>
    public bool IsCurrent(SessionEvent sessionEvent) => ReferenceEquals(sessionEvent.Session, _session);

    /// <summary>A configuration fault: every generation will be refused the same way. The first one names the cause.</summary>
    public void ReportFault(string error)
    {
        if (!_failing)
        {
            _failing = true;
            _error = error;
        }
    }

    public Task CommitFinalAsync(CancellationToken cancellationToken) =>
        _session is { } session ? SendAsync(session, session.CommitFinalAsync(cancellationToken), cancellationToken) : RecoverAsync(null, cancellationToken);

    public Task AppendAsync(ReadOnlyMemory<short> samples, CancellationToken cancellationToken) =>
        _session is { } session ? SendAsync(session, session.AppendAsync(samples, cancellationToken), cancellationToken) : RecoverAsync(null, cancellationToken);

    /// <summary>
    /// Admission: waits until the fleet has a generation slot for this speaker (its turn among the waiting comes by
    /// when their speech began), then keeps the socket when the slot is on its endpoint or closes it so the
    /// generation opens where the slot is. Meanwhile the audio stays in the owner's buffers, in order. One call to
    /// the slot counter per generation, plus one per poll while waiting.
    /// </summary>
    public async Task AdmitAsync(DateTimeOffset speechStartedAt, CancellationToken cancellationToken)
    {
        if (_generation is not null)
        {
            return; // the generation already holds its slot (it is being replayed)
        }

        var lifetime = TimeSpan.FromMilliseconds(
            options.MaxGenerationMs + options.WindowGraceMs + 4L * options.FinalTimeoutMs) + GenerationLeaseMargin;
        var key = $"{speaker.Room}/{speaker.Identity}";
        var asked = time.GetTimestamp();
        var counted = false;
        while (true)
        {
            var ticket = await endpoints.TryStartGenerationAsync(key, speechStartedAt, EndpointName, lifetime, cancellationToken).ConfigureAwait(false);
            if (ticket is not null)
            {
                metrics.AdmissionWait.Record(counted ? time.GetElapsedTime(asked).TotalMilliseconds : 0);
                _waitingForCapacity = false;
                _generation = ticket;
                if (ticket.Endpoint is { } admitted && EndpointName is { } current && !string.Equals(admitted, current, StringComparison.Ordinal))
                {
                    // A new socket where the slot is costs a handshake; waiting for this one's endpoint could cost seconds.
                    metrics.EndpointMoves.Add(1, new KeyValuePair<string, object?>("endpoint", current));
                    await CloseAsync().ConfigureAwait(false);
                }

                return;
            }

            if (!counted)
            {
                counted = true;
                metrics.CapacityWaits.Add(1);
            }

            _waitingForCapacity = true;
            await endpoints.WaitForCapacityAsync(AdmissionPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The generation is over (done, given up, or the speaker stopped): its slot goes to the next speaker.</summary>
    public async Task EndGenerationAsync()
    {
        if (_generation is { } ticket)
        {
            _generation = null;
            await ticket.EndAsync().ConfigureAwait(false);
        }
    }

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
    /// Gives a silent speaker's session back (socket closed, endpoint slot freed). Only between generations, with
    /// nothing held: no generation is ever cut by a release. The next speech opens a new session.
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
        if (_lease is { } lease && endpoints.ShouldLeave(lease))
        {
            metrics.EndpointMoves.Add(1, new KeyValuePair<string, object?>("endpoint", lease.Endpoint.Name));
            await CloseAsync().ConfigureAwait(false);
        }
    }

    public async Task CloseAsync()
    {
        var session = _session;
        _session = null;
        _lease?.Dispose();
        _lease = null;
        if (session is not null)
        {
            usage.SessionClosed();
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

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
    /// unfinished generation on it.
    /// </summary>
    private async Task RecoverAsync(InferenceEndpoint? failed, CancellationToken cancellationToken)
    {
        await CloseAsync().ConfigureAwait(false);
        var delay = FirstBackoff;
        long? waitingSince = null;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lease = endpoints.TryAcquire($"{speaker.Room}/{speaker.Identity}", failed);
            if (lease is null)
            {
                // Endpoints hook: count the wait, and wake as soon as the picker sees a slot free up.
                if (waitingSince is null)
                {
                    waitingSince = time.GetTimestamp();
                    metrics.CapacityWaits.Add(1);
                }

                _waitingForCapacity = true;
                await endpoints.WaitForCapacityAsync(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (waitingSince is { } since)
            {
                metrics.CapacityWaitTime.Record(time.GetElapsedTime(since).TotalMilliseconds);
                waitingSince = null;
            }

            try
            {
                var session = await connector.OpenAsync(
                    lease.Endpoint, options.Language, TimeSpan.FromMilliseconds(options.HandshakeTimeoutMs), cancellationToken).ConfigureAwait(false);
                _session = session;
                _lease = lease;
                usage.SessionOpened();
                _ = PumpEventsAsync(session, cancellationToken);
                if (failed is not null)
                {
                    metrics.Reconnects.Add(1);
                }

                await replay(session, cancellationToken).ConfigureAwait(false);
                _waitingForCapacity = false;
                _failing = false;
                _error = null;
                LogSessionOpened(speaker.Room, speaker.Identity, lease.Endpoint.Name, session.Id, attempt);
                return;
            }
            catch (Exception e) when (e is RealtimeSessionException || IsConnectionLoss(e, cancellationToken))
            {
                lease.Dispose();
                await CloseAsync().ConfigureAwait(false);
                failed = lease.Endpoint;
                _error = e.Message;
                if (attempt >= AttemptsBeforeError)
                {
                    _failing = true;
                }

                LogConnectFailed(speaker.Room, speaker.Identity, lease.Endpoint.Name, attempt, e.Message);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, MaxBackoff.TotalMilliseconds));
            }
        }
    }

    /// <summary>
    /// A socket that broke under a send. When the reading side notices a dead peer it aborts the socket, and a
    /// send in flight then ends as cancelled although nobody cancelled us: that is a lost connection too.
    /// </summary>
    private static bool IsConnectionLoss(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && e is System.Net.WebSockets.WebSocketException or IOException or ObjectDisposedException or OperationCanceledException;

    private async Task PumpEventsAsync(IRealtimeSession session, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var next = await session.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                if (next is null)
                {
                    break;
                }

                _events.Writer.TryWrite(new SessionEvent(session, next, null));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            failure = e;
        }

        _events.Writer.TryWrite(new SessionEvent(session, null, failure));
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
