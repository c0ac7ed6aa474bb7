using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scribe.Media;

/// <summary>
/// Runs the silo's media process and keeps it running: listens on 127.0.0.1 (an ephemeral port), starts node with
/// the port and a fresh secret, accepts the one connection that proves the secret, and when the child dies starts
/// another (at once, then with back-off) and rejoins every room the silo is in. Stopping closes the channel, on
/// which the child leaves its rooms and exits.
/// </summary>
public sealed class MediaProcess : IHostedService, IAsyncDisposable
{
    public const int ProtocolVersion = 1;

    /// <summary>How long a connection may take to send its hello before it is dropped.</summary>
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(2);

    private readonly MediaOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MediaRooms _rooms;
    private readonly MediaMetrics? _metrics;
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _supervision = Task.CompletedTask;
    private volatile MediaConnection? _connection;
    private volatile MediaChild? _child;
    private TaskCompletionSource _ready = NewSignal();
    private int _runs;
    private int _lastPid;

    public MediaProcess(IOptions<MediaOptions> options, ILogger<MediaProcess> logger, MediaMetrics? metrics = null, TimeProvider? time = null)
    {
        _options = options.Value;
        _logger = logger;
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _rooms = new MediaRooms(logger, metrics);
    }

    /// <summary>The channel's port on 127.0.0.1 (0 before start).</summary>
    public int Port { get; private set; }

    /// <summary>The current child's process id, if one runs.</summary>
    public int? ProcessId => _child?.Pid;

    /// <summary>How many times a media process was started.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>The exit code of the last child that exited (for diagnostics and tests).</summary>
    public int? LastExitCode { get; private set; }

    /// <summary>Completes when a media process is connected and ready (again, after a restart).</summary>
    public Task WhenReadyAsync(CancellationToken ct = default) => Volatile.Read(ref _ready).Task.WaitAsync(ct);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Validator.ValidateObject(_options, new ValidationContext(_options), validateAllProperties: true);
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        MediaLog.Listening(_logger, Port);
        _supervision = Task.Run(() => SuperviseAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync();
        }

        try
        {
            await _supervision.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop time is up (or the silo is being killed): no orderly leave, but never an orphan.
            _child?.Kill();
        }

        _listener?.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _listener?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// Puts the agent in <paramref name="join"/>'s room. Returns at once: the outcome comes as
    /// <see cref="IAgentRoomEvents.OnJoinedAsync"/> or <see cref="IAgentRoomEvents.OnJoinFailedAsync"/>, and again
    /// after every restart of the media process, until the room is left.
    /// </summary>
    public async Task<AgentRoom> JoinAsync(AgentJoin join, IAgentRoomEvents events, CancellationToken ct = default)
    {
        var room = new AgentRoom(this, join, events);
        _rooms.Add(room);
        if (_connection is { } connection && _ready.Task.IsCompleted)
        {
            await TrySendAsync(connection, room.ToJoinMessage(), ct);
        }

        return room;
    }

    internal async Task<bool> SendAsync(MediaMessage message, CancellationToken ct) =>
        _connection is { } connection && _ready.Task.IsCompleted && await TrySendAsync(connection, message, ct);

    internal async Task LeaveAsync(AgentRoom room, CancellationToken ct)
    {
        if (_rooms.StartLeaving(room) && _connection is { } connection)
        {
            await TrySendAsync(connection, new LeaveMessage(room.Name), ct);
        }

        // Without a connection the room is left when the run ends (MediaRooms.EndRunAsync).
        await room.Left.WaitAsync(ct);
    }

    private async Task<bool> TrySendAsync(MediaConnection connection, MediaMessage message, CancellationToken ct)
    {
        try
        {
            await connection.SendAsync(message, ct);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            MediaLog.ChannelBroken(_logger, ex.Message);
            return false;
        }
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var backoff = new RestartBackoff(
            TimeSpan.FromMilliseconds(_options.RestartBackoffMilliseconds),
            TimeSpan.FromMilliseconds(_options.MaxRestartBackoffMilliseconds),
            TimeSpan.FromSeconds(_options.StableAfterSeconds));
        while (!stopping.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            TimeSpan delay;
            try
            {
                await RunOnceAsync(stopping);
                delay = backoff.Next(_time.GetElapsedTime(started));
                if (!stopping.IsCancellationRequested)
                {
                    MediaLog.Died(_logger, _lastPid, LastExitCode, _time.GetElapsedTime(started).TotalSeconds, (long)delay.TotalMilliseconds);
                }
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                delay = backoff.Next(_time.GetElapsedTime(started));
                MediaLog.StartFailed(_logger, ex, (long)delay.TotalMilliseconds);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.Delay(delay, _time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One run of the child, from start to its death (or the silo stopping).</summary>
    private async Task RunOnceAsync(CancellationToken stopping)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var node = _options.ResolveNode() ?? _options.NodePath;
        await using var child = await MediaChild.StartAsync(node, Path.GetFullPath(_options.ScriptPath), Port, secret, _logger, stopping);
        _child = child;
        _lastPid = child.Pid;
        _metrics?.Started();
        MediaLog.Started(_logger, child.Pid, Interlocked.Increment(ref _runs));
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        try
        {
            var accepted = MediaChannelGate.AcceptAsync(_listener!, secret, _logger, run.Token);
            if (await Task.WhenAny(accepted, child.Exited) == accepted)
            {
                await using var connection = await accepted;
                await ServeAsync(connection, child, run.Token);
            }
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or SocketException or MediaChannelException)
        {
            MediaLog.ChannelBroken(_logger, ex.Message);
        }
        finally
        {
            await run.CancelAsync();
            _connection = null;
            if (_ready.Task.IsCompleted)
            {
                Volatile.Write(ref _ready, NewSignal());
            }

            await EndRunAsync(child, stopping.IsCancellationRequested);
        }
    }

    private async Task ServeAsync(MediaConnection connection, MediaChild child, CancellationToken ct)
    {
        _connection = connection;
        while (await connection.ReadAsync(ct) is { } frame)
        {
            if (frame is MessageFrame { Message: ReadyMessage })
            {
                // Ready first, then the snapshot: a room joined in between is sent twice (a repeated join only
                // replaces the token), never missed.
                _ready.TrySetResult();
                var rooms = _rooms.ToJoin();
                MediaLog.Ready(_logger, child.Pid, rooms.Count);
                foreach (var room in rooms)
                {
                    await TrySendAsync(connection, room.ToJoinMessage(), ct);
                }

                continue;
            }

            await _rooms.DispatchAsync(frame);
        }
    }

    /// <summary>
    /// The channel is closed: the child leaves its rooms and exits on its own (it never outlives its channel). If it
    /// lingers, closing its stdin is the second way to tell it; past that it is killed.
    /// </summary>
    private async Task EndRunAsync(MediaChild child, bool stopping)
    {
        var patience = TimeSpan.FromSeconds(stopping ? _options.StopTimeoutSeconds : 1);
        if (!await ExitsWithinAsync(child, patience))
        {
            child.CloseStdin();
            if (!await ExitsWithinAsync(child, TimeSpan.FromSeconds(1)))
            {
                MediaLog.KilledOnStop(_logger, child.Pid, (int)patience.TotalSeconds + 1);
                child.Kill();
                await child.Exited;
            }
        }

        LastExitCode = child.ExitCode;
        _child = null;
        if (stopping)
        {
            MediaLog.Exited(_logger, child.Pid, LastExitCode);
        }

        await _rooms.EndRunAsync();
    }

    private async Task<bool> ExitsWithinAsync(MediaChild child, TimeSpan patience) =>
        await Task.WhenAny(child.Exited, Task.Delay(patience, _time)) == child.Exited;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
