using System.Collections.Concurrent;
using LiveKit.Proto;
using Microsoft.Extensions.Options;
using Scribe.LiveKit;
using Scribe.Media;

namespace Scribe.Silo.Dispatch;

/// <summary>
/// The silo as a LiveKit agent worker (<c>Transcription:Activation</c> = <c>Dispatch</c>): holds <c>/agent</c>,
/// registers for room jobs under <see cref="LiveKitOptions.AgentName"/>, answers availability at once, turns an
/// assignment into a start of the room's transcription and a termination into its stop, pings, reports its jobs,
/// reconnects with back-off and goes full (draining) when the silo stops. No Orleans here: <see cref="IAgentJobs"/>.
/// </summary>
internal sealed partial class AgentWorker(IOptions<LiveKitOptions> options, IAgentJobs jobs, ILogger<AgentWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(10);

    /// <summary>The server gives 10 s for an availability answer; a slow grain must not cost the job.</summary>
    private static readonly TimeSpan AvailabilityPatience = TimeSpan.FromSeconds(3);

    private readonly LiveKitOptions _options = options.Value;
    private readonly RestartBackoff _backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    private readonly ConcurrentDictionary<string, string> _jobs = new(); // job id -> room
    private volatile AgentWorkerSocket? _socket;
    private volatile bool _draining;

    /// <summary>The worker id LiveKit gave the current registration; null while not registered.</summary>
    public string? WorkerId { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = DateTimeOffset.UtcNow;
            try
            {
                await using var socket = await AgentWorkerSocket.ConnectAsync(_options, stoppingToken);
                _socket = socket;
                await RunAsync(socket, stoppingToken);
                LogClosed(_options.AgentName);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogConnectionFailed(e, _options.AgentName);
            }
            finally
            {
                _socket = null;
                WorkerId = null;
            }

            await Task.Delay(_backoff.Next(DateTimeOffset.UtcNow - started), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Draining: the server offers this worker no new job; the rooms themselves move with the silo's handoff.
        _draining = true;
        if (_socket is { } socket)
        {
            try
            {
                await socket.SendAsync(Status(), cancellationToken);
                await socket.CloseAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogConnectionFailed(e, _options.AgentName);
            }
        }

        await base.StopAsync(cancellationToken);
    }

    private async Task RunAsync(AgentWorkerSocket socket, CancellationToken cancellationToken)
    {
        await socket.SendAsync(new WorkerMessage
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
        var pinging = PingAsync(socket, session.Token);
        try
        {
            while (await socket.ReceiveAsync(cancellationToken) is { } message)
            {
                await OnMessageAsync(socket, message, cancellationToken);
            }
        }
        finally
        {
            await session.CancelAsync();
            await pinging.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task OnMessageAsync(AgentWorkerSocket socket, ServerMessage message, CancellationToken cancellationToken)
    {
        switch (message.MessageCase)
        {
            case ServerMessage.MessageOneofCase.Register:
                WorkerId = message.Register.WorkerId;
                LogRegistered(_options.AgentName, WorkerId);
                await socket.SendAsync(Status(), cancellationToken);
                break;
            case ServerMessage.MessageOneofCase.Availability:
                await socket.SendAsync(new WorkerMessage { Availability = await AnswerAsync(message.Availability.Job, cancellationToken) }, cancellationToken);
                break;
            case ServerMessage.MessageOneofCase.Assignment:
                // Off the receive loop: the next availability must not wait for a room's start.
                _ = RunJobAsync(socket, message.Assignment.Job, cancellationToken);
                break;
            case ServerMessage.MessageOneofCase.Termination:
                _ = EndJobAsync(socket, message.Termination.JobId, cancellationToken);
                break;
            default:
                break; // pong: the socket is alive, which the next receive shows anyway
        }
    }

    private async Task<AvailabilityResponse> AnswerAsync(Job job, CancellationToken cancellationToken)
    {
        var room = job.Room?.Name ?? "";
        bool transcribed;
        try
        {
            transcribed = await jobs.IsTranscribedAsync(room, cancellationToken).WaitAsync(AvailabilityPatience, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogAvailabilityCheckFailed(e, room);
            transcribed = false;
        }

        var answer = AgentAvailability.Decide(_draining, room.Length > 0, transcribed);
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

    private async Task RunJobAsync(AgentWorkerSocket socket, Job job, CancellationToken cancellationToken)
    {
        var room = job.Room.Name;
        _jobs[job.Id] = room;
        var update = new UpdateJobStatus { JobId = job.Id, Status = JobStatus.JsRunning };
        try
        {
            await jobs.StartAsync(room, cancellationToken);
            LogJobStarted(job.Id, room);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _jobs.TryRemove(job.Id, out _);
            update = new UpdateJobStatus { JobId = job.Id, Status = JobStatus.JsFailed, Error = e.Message };
            LogJobFailed(e, job.Id, room);
        }

        await SendQuietlyAsync(socket, new WorkerMessage { UpdateJob = update }, cancellationToken);
        await SendQuietlyAsync(socket, Status(), cancellationToken);
    }

    private async Task EndJobAsync(AgentWorkerSocket socket, string jobId, CancellationToken cancellationToken)
    {
        if (!_jobs.TryRemove(jobId, out var room))
        {
            return;
        }

        var update = new UpdateJobStatus { JobId = jobId, Status = JobStatus.JsSuccess };
        try
        {
            await jobs.StopAsync(room, cancellationToken);
            LogJobEnded(jobId, room);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            update = new UpdateJobStatus { JobId = jobId, Status = JobStatus.JsFailed, Error = e.Message };
            LogJobFailed(e, jobId, room);
        }

        await SendQuietlyAsync(socket, new WorkerMessage { UpdateJob = update }, cancellationToken);
        await SendQuietlyAsync(socket, Status(), cancellationToken);
    }

    private static async Task PingAsync(AgentWorkerSocket socket, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PingInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await socket.SendAsync(new WorkerMessage { Ping = new WorkerPing { Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, cancellationToken);
        }
    }

    /// <summary>No job limit of our own (a room costs the cluster, not this silo): load 0 unless draining.</summary>
    private WorkerMessage Status() => new()
    {
        UpdateWorker = new UpdateWorkerStatus
        {
            Status = _draining ? WorkerStatus.WsFull : WorkerStatus.WsAvailable,
            Load = _draining ? 1f : 0f,
            JobCount = (uint)_jobs.Count,
        },
    };

    private async Task SendQuietlyAsync(AgentWorkerSocket socket, WorkerMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(message, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} for room {Room}: availability answered {Answer}")]
    private partial void LogAvailability(string jobId, string room, AgentAvailability.Answer answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Room {Room}: whether it is transcribed could not be read in time; the job is accepted")]
    private partial void LogAvailabilityCheckFailed(Exception exception, string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: transcription of room {Room} started")]
    private partial void LogJobStarted(string jobId, string room);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: terminated, transcription of room {Room} stopped")]
    private partial void LogJobEnded(string jobId, string room);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} for room {Room} failed")]
    private partial void LogJobFailed(Exception exception, string jobId, string room);
}
