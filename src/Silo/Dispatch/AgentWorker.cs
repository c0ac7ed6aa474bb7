using System.Collections.Concurrent;
using Google.Protobuf;
using LiveKit.Proto;
using Microsoft.Extensions.Options;
using Scribe.LiveKit;
using Scribe.Media;

namespace Scribe.Silo.Dispatch;

/// <summary>
/// The silo as a LiveKit agent worker (<c>Transcription:Activation</c> = <c>Dispatch</c>): holds <c>/agent</c>,
/// registers for room jobs under <see cref="LiveKitOptions.AgentName"/>, answers availability at once, turns an
/// assignment into a start of the room's transcription (the agent joins with the job's token) and a termination into
/// its stop, pings, reports its load, reconnects with back-off and goes full (draining) when the silo stops. A message
/// it cannot read or did not expect is logged once per kind and ignored. No Orleans here: <see cref="IAgentJobs"/>.
/// </summary>
internal sealed partial class AgentWorker(
    IOptions<LiveKitOptions> options, IAgentWorkerConnector connector, IAgentJobs jobs, ILogger<AgentWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    /// <summary>How often the load is looked at; it is sent when it changed (and with every job change).</summary>
    private static readonly TimeSpan LoadInterval = TimeSpan.FromSeconds(2);

    /// <summary>The server gives 10 s for an availability answer; a slow grain must not cost the job.</summary>
    private static readonly TimeSpan AvailabilityPatience = TimeSpan.FromSeconds(3);

    private readonly LiveKitOptions _options = options.Value;
    private readonly RestartBackoff _backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    private readonly ConcurrentDictionary<string, string> _jobs = new(); // job id -> room
    private readonly ConcurrentDictionary<string, byte> _unexpectedSeen = new(StringComparer.Ordinal);
    private volatile IAgentWorkerConnection? _connection;
    private volatile bool _draining;
    private readonly Lock _reporting = new();
    private int _refusals;
    private WorkerLoad? _reported;

    /// <summary>The worker id LiveKit gave the current registration; null while not registered.</summary>
    public string? WorkerId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = DateTimeOffset.UtcNow;
            try
            {
                await using var connection = await connector.ConnectAsync(stoppingToken);
                _refusals = 0;
                _connection = connection;
                await RunAsync(connection, stoppingToken);
                LogClosed(_options.AgentName);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (AgentWorkerRefusedException e)
            {
                OnRefused(e);
            }
            catch (Exception e)
            {
                LogConnectionFailed(e, _options.AgentName);
            }
            finally
            {
                _connection = null;
                WorkerId = null;
                lock (_reporting)
                {
                    _reported = null;
                }
            }

            await Task.Delay(_backoff.Next(DateTimeOffset.UtcNow - started), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Draining: the server offers this worker no new job; the rooms themselves move with the silo's handoff.
        _draining = true;
        if (_connection is { } connection)
        {
            try
            {
                await connection.SendAsync(Status(), cancellationToken);
                await connection.CloseAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogConnectionFailed(e, _options.AgentName);
            }
            catch (OperationCanceledException)
            {
                // Killed, or out of stop time: the socket goes with the host.
            }
        }

        await base.StopAsync(cancellationToken);
    }

    /// <summary>A refused key is one warning line until a connection succeeds again; the retries go on, backing off.</summary>
    private void OnRefused(AgentWorkerRefusedException e)
    {
        if (_refusals++ == 0)
        {
            LogRefused(_options.AgentName, e.StatusCode, AgentWorkerSocket.EndpointOf(_options.Url));
        }
        else
        {
            LogRefusedAgain(_options.AgentName, e.StatusCode, _refusals);
        }
    }

    private async Task RunAsync(IAgentWorkerConnection connection, CancellationToken cancellationToken)
    {
        await connection.SendAsync(new WorkerMessage
        {
            Register = new RegisterWorkerRequest
            {
                Type = JobType.JtRoom,
                AgentName = _options.AgentName,
                Version = typeof(AgentWorker).Assembly.GetName().Version?.ToString() ?? "",
                PingInterval = (uint)PingInterval.TotalSeconds,
                AllowedPermissions = new ParticipantPermission { Hidden = true, CanSubscribe = true, CanPublishData = true },
            },
        }, cancellationToken);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pinging = PingAsync(connection, session.Token);
        try
        {
            while (await connection.ReceiveAsync(cancellationToken) is { } frame)
            {
                await OnFrameAsync(connection, frame, cancellationToken);
            }
        }
        finally
        {
            await session.CancelAsync();
            await pinging.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task OnFrameAsync(IAgentWorkerConnection connection, byte[] frame, CancellationToken cancellationToken)
    {
        ServerMessage message;
        try
        {
            message = ServerMessage.Parser.ParseFrom(frame);
        }
        catch (InvalidProtocolBufferException e)
        {
            Unexpected("an unreadable message", $"{frame.Length} bytes: {e.Message}");
            return;
        }

        switch (message.MessageCase)
        {
            case ServerMessage.MessageOneofCase.Register when WorkerId is null:
                WorkerId = message.Register.WorkerId;
                LogRegistered(_options.AgentName, WorkerId);
                await SendStatusAsync(connection, force: true, cancellationToken);
                break;
            case ServerMessage.MessageOneofCase.Availability when message.Availability.Job is { Id.Length: > 0 } job:
                await connection.SendAsync(new WorkerMessage { Availability = await AnswerAsync(job, cancellationToken) }, cancellationToken);
                break;
            case ServerMessage.MessageOneofCase.Assignment when message.Assignment is { Job: { Id.Length: > 0, Room.Name.Length: > 0 }, Token.Length: > 0 } assignment:
                // Off the receive loop: the next availability must not wait for a room's start.
                _ = RunJobAsync(connection, assignment, cancellationToken);
                break;
            case ServerMessage.MessageOneofCase.Termination when _jobs.ContainsKey(message.Termination.JobId):
                _ = EndJobAsync(connection, message.Termination.JobId, cancellationToken);
                break;
            case ServerMessage.MessageOneofCase.Pong:
                break; // the socket is alive, which the next receive shows anyway
            default:
                Unexpected(KindOf(message), message.ToString());
                break;
        }
    }

    /// <summary>What is unexpected about a message the switch did not take, by kind (one log line each).</summary>
    private static string KindOf(ServerMessage message) => message.MessageCase switch
    {
        ServerMessage.MessageOneofCase.None => "a message of no known kind",
        ServerMessage.MessageOneofCase.Register => "a second register answer",
        ServerMessage.MessageOneofCase.Availability => "an availability request without a job",
        ServerMessage.MessageOneofCase.Assignment => "an assignment without a job, room or token",
        ServerMessage.MessageOneofCase.Termination => "a termination of a job not ours",
        var other => other.ToString(),
    };

    private void Unexpected(string kind, string detail)
    {
        if (_unexpectedSeen.TryAdd(kind, 0))
        {
            LogUnexpected(_options.AgentName, kind, detail);
        }
    }

    private async Task<AvailabilityResponse> AnswerAsync(Job job, CancellationToken cancellationToken)
    {
        var room = job.Room?.Name ?? "";
        var full = Load().Full;
        bool transcribed;
        try
        {
            transcribed = room.Length > 0 && await jobs.IsTranscribedAsync(room, placeHere: !full, cancellationToken).WaitAsync(AvailabilityPatience, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogAvailabilityCheckFailed(e, room);
            transcribed = false;
        }

        var answer = AgentAvailability.Decide(full, room.Length > 0, transcribed);
        LogAvailability(job.Id, room, answer);
        return new AvailabilityResponse
        {
            JobId = job.Id,
            Available = answer == AgentAvailability.Answer.Accept,
            Terminate = answer == AgentAvailability.Answer.AlreadyServed,
            // The server invents no identity: the job's token carries the one our agent joins under.
            ParticipantIdentity = _options.AgentIdentity,
        };
    }

    private async Task RunJobAsync(IAgentWorkerConnection connection, JobAssignment assignment, CancellationToken cancellationToken)
    {
        var job = assignment.Job;
        var room = job.Room.Name;
        _jobs[job.Id] = room;
        var update = new UpdateJobStatus { JobId = job.Id, Status = JobStatus.JsRunning };
        try
        {
            await jobs.StartAsync(room, new DispatchedJob(job.Id, assignment.Token), cancellationToken);
            LogJobStarted(job.Id, room);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _jobs.TryRemove(job.Id, out _);
            update = new UpdateJobStatus { JobId = job.Id, Status = JobStatus.JsFailed, Error = e.Message };
            LogJobFailed(e, job.Id, room);
        }

        await SendQuietlyAsync(connection, new WorkerMessage { UpdateJob = update }, cancellationToken);
        await SendStatusAsync(connection, force: true, cancellationToken);
    }

    private async Task EndJobAsync(IAgentWorkerConnection connection, string jobId, CancellationToken cancellationToken)
    {
        if (!_jobs.TryRemove(jobId, out var room))
        {
            return;
        }

        var update = new UpdateJobStatus { JobId = jobId, Status = JobStatus.JsSuccess };
        try
        {
            var stopped = await jobs.EndAsync(room, jobId, cancellationToken);
            LogJobEnded(jobId, room, stopped);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            update = new UpdateJobStatus { JobId = jobId, Status = JobStatus.JsFailed, Error = e.Message };
            LogJobFailed(e, jobId, room);
        }

        await SendQuietlyAsync(connection, new WorkerMessage { UpdateJob = update }, cancellationToken);
        await SendStatusAsync(connection, force: true, cancellationToken);
    }

    /// <summary>Pings at the interval we registered, and tells the load whenever it changed.</summary>
    private async Task PingAsync(IAgentWorkerConnection connection, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(LoadInterval);
        var sincePing = TimeSpan.Zero;
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            sincePing += LoadInterval;
            if (sincePing >= PingInterval)
            {
                sincePing = TimeSpan.Zero;
                await connection.SendAsync(new WorkerMessage { Ping = new WorkerPing { Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, cancellationToken);
            }

            await SendStatusAsync(connection, force: false, cancellationToken);
        }
    }

    private WorkerLoad Load() => WorkerLoad.Of(jobs.RoomsCarried, _options.AgentMaxRooms, _draining);

    private WorkerMessage Status()
    {
        var load = Load();
        return new WorkerMessage { UpdateWorker = new UpdateWorkerStatus { Status = load.Status, Load = load.Load, JobCount = (uint)_jobs.Count } };
    }

    private async Task SendStatusAsync(IAgentWorkerConnection connection, bool force, CancellationToken cancellationToken)
    {
        var load = Load();
        lock (_reporting)
        {
            if (!force && _reported == load)
            {
                return;
            }

            _reported = load;
        }

        await SendQuietlyAsync(connection, Status(), cancellationToken);
    }

    private async Task SendQuietlyAsync(IAgentWorkerConnection connection, WorkerMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await connection.SendAsync(message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogConnectionFailed(e, _options.AgentName); // the socket is gone; the receive loop reconnects
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent worker {AgentName}: registered with LiveKit as {WorkerId}")]
    private partial void LogRegistered(string agentName, string workerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent worker {AgentName}: LiveKit closed the connection")]
    private partial void LogClosed(string agentName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent worker {AgentName}: connection to LiveKit failed")]
    private partial void LogConnectionFailed(Exception exception, string agentName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent worker {AgentName}: LiveKit refused the registration (HTTP {Status} at {Endpoint}): check LiveKit:ApiKey and LiveKit:ApiSecret; retrying with back-off, silently until it succeeds")]
    private partial void LogRefused(string agentName, int status, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent worker {AgentName}: refused again (HTTP {Status}, {Refusals} times in a row)")]
    private partial void LogRefusedAgain(string agentName, int status, int refusals);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent worker {AgentName}: ignored {Kind} from LiveKit (logged once per kind): {Detail}")]
    private partial void LogUnexpected(string agentName, string kind, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} for room {Room}: availability answered {Answer}")]
    private partial void LogAvailability(string jobId, string room, AgentAvailability.Answer answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: whether it is transcribed could not be read in time; the job is accepted")]
    private partial void LogAvailabilityCheckFailed(Exception exception, string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: transcription of room {Room} started")]
    private partial void LogJobStarted(string jobId, string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: terminated by LiveKit; transcription of room {Room} stopped: {Stopped}")]
    private partial void LogJobEnded(string jobId, string room, bool stopped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} for room {Room} failed")]
    private partial void LogJobFailed(Exception exception, string jobId, string room);
}
