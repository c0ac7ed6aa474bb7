using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Google.Protobuf;
using LiveKit.Proto;
using Microsoft.Extensions.Logging;
using Scribe.LiveKit;
using Scribe.Silo.Dispatch;

namespace Scribe.Tests.Agent;

/// <summary>
/// The agent worker against a fake <c>/agent</c> connection: what it does with messages it cannot read or did not
/// expect (logged once per kind, ignored, the connection kept), and the load and status it reports.
/// </summary>
public sealed class AgentWorkerTests
{
    [Fact]
    public async Task Unreadable_and_unexpected_messages_are_logged_once_per_kind_and_ignored()
    {
        var jobs = new FakeJobs();
        await using var run = await WorkerRun.StartAsync(jobs);
        var connection = run.Connection;
        for (var i = 0; i < 3; i++)
        {
            connection.Deliver([0xFF, 0xFF, 0xFF, 0x0F]); // not protobuf
            connection.Deliver(new ServerMessage().ToByteArray()); // no kind we know
            connection.Deliver(new ServerMessage { Availability = new AvailabilityRequest() }.ToByteArray()); // no job
            connection.Deliver(new ServerMessage { Assignment = new JobAssignment { Job = new Job { Id = "AJ_x" } } }.ToByteArray()); // no room, no token
            connection.Deliver(new ServerMessage { Termination = new JobTermination { JobId = "AJ_unknown" } }.ToByteArray());
        }

        // Still on the same connection, and still answering: the next job is offered and accepted.
        connection.Deliver(Availability("AJ_1", "room-1"));
        var answer = await connection.NextAsync(m => m.Availability is not null);
        Assert.True(answer.Availability.Available);
        Assert.Equal(1, run.Connector.Connections);

        var warnings = run.Log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Equal(5, warnings.Count);
        Assert.All(["an unreadable message", "a message of no known kind", "an availability request without a job", "an assignment without a job, room or token", "a termination of a job not ours"],
            kind => Assert.Single(warnings, w => w.Contains("ignored " + kind, StringComparison.Ordinal)));
        Assert.Empty(jobs.Started);
    }

    [Fact]
    public async Task The_load_is_the_rooms_carried_against_the_limit_and_a_silo_at_it_is_full_and_declines()
    {
        // The room's agent is in once its job started (with three others), and two rooms are left after its end.
        var jobs = new FakeJobs { Rooms = 1, RoomsOnStart = 4, RoomsOnEnd = 2 };
        await using var run = await WorkerRun.StartAsync(jobs, maxRooms: 4);
        var connection = run.Connection;

        var first = await connection.NextAsync(m => m.UpdateWorker is not null); // after the registration
        Assert.Equal((WorkerStatus.WsAvailable, 0.25f), (first.UpdateWorker.Status, first.UpdateWorker.Load));

        connection.Deliver(Availability("AJ_1", "room-1"));
        Assert.True((await connection.NextAsync(m => m.Availability is not null)).Availability.Available);
        connection.Deliver(new ServerMessage { Assignment = new JobAssignment { Job = Job("AJ_1", "room-1"), Token = "job-token" } }.ToByteArray());
        Assert.Equal(JobStatus.JsRunning, (await connection.NextAsync(m => m.UpdateJob is not null)).UpdateJob.Status);
        var full = await connection.NextAsync(m => m.UpdateWorker is not null);
        Assert.Equal((WorkerStatus.WsFull, 1f, 1u), (full.UpdateWorker.Status, full.UpdateWorker.Load, full.UpdateWorker.JobCount));
        Assert.Equal(("room-1", "AJ_1", "job-token"), Assert.Single(jobs.Started));

        connection.Deliver(Availability("AJ_2", "room-2"));
        var declined = (await connection.NextAsync(m => m.Availability is not null)).Availability;
        Assert.False(declined.Available);
        Assert.False(declined.Terminate);

        // A room already transcribed ends its job at availability even on a full silo: no second agent anywhere.
        jobs.Transcribed.Add("room-1");
        connection.Deliver(Availability("AJ_3", "room-1"));
        Assert.True((await connection.NextAsync(m => m.Availability is not null)).Availability.Terminate);

        connection.Deliver(new ServerMessage { Termination = new JobTermination { JobId = "AJ_1" } }.ToByteArray());
        Assert.Equal(JobStatus.JsSuccess, (await connection.NextAsync(m => m.UpdateJob is not null)).UpdateJob.Status);
        var after = await connection.NextAsync(m => m.UpdateWorker is not null);
        Assert.Equal((WorkerStatus.WsAvailable, 0.5f, 0u), (after.UpdateWorker.Status, after.UpdateWorker.Load, after.UpdateWorker.JobCount));
        Assert.Equal(("room-1", "AJ_1"), Assert.Single(jobs.Ended));
    }

    [Fact]
    public async Task A_refused_registration_is_one_warning_line_and_the_worker_keeps_retrying_with_back_off()
    {
        await using var sfu = await StandInSfu.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret);
        var options = new LiveKitOptions { Url = sfu.Url.ToString(), ApiKey = TestSilo.LiveKitKey, ApiSecret = "a-secret-the-server-does-not-know-000" };
        var log = new TypedLog();
        var worker = new AgentWorker(
            Microsoft.Extensions.Options.Options.Create(options), new AgentWorkerSocket.Connector(Microsoft.Extensions.Options.Options.Create(options)), new FakeJobs(), log);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            var refusals = await Eventually.ReturnsAsync(
                () => Task.FromResult(Refusals(sfu.Log)), r => r.Count >= 4, "the worker is refused four times", TimeSpan.FromSeconds(60));

            var warnings = log.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message).ToList();
            var warning = Assert.Single(warnings);
            Assert.Contains("refused the registration (HTTP 401", warning, StringComparison.Ordinal);
            // Back-off: at once, then 1 s, then 2 s (lower bounds: the waits are at least that long).
            Assert.True(refusals[3] - refusals[2] >= TimeSpan.FromSeconds(1.9), $"the fourth try came {(refusals[3] - refusals[2]).TotalSeconds:F2} s after the third");
            Assert.Null(worker.WorkerId);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
            worker.Dispose();
        }
    }

    /// <summary>When the stand-in refused a worker, from its log.</summary>
    private static List<DateTimeOffset> Refusals(string sfuLog) =>
        [.. sfuLog.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("{\"time\"", StringComparison.Ordinal))
            .Select(line => JsonNode.Parse(line)?.AsObject())
            .Where(line => line?["message"]?.GetValue<string>() == "agent worker refused")
            .Select(line => DateTimeOffset.Parse(line!["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))];

    [Theory]
    [InlineData(0, 10, false, false, 0f)]
    [InlineData(5, 10, false, false, 0.5f)]
    [InlineData(10, 10, false, true, 1f)]
    [InlineData(12, 10, false, true, 1f)]
    [InlineData(1, 10, true, true, 1f)]
    public void Worker_load(int rooms, int max, bool draining, bool full, float load)
    {
        var of = WorkerLoad.Of(rooms, max, draining);
        Assert.Equal((full ? WorkerStatus.WsFull : WorkerStatus.WsAvailable, load, full), (of.Status, of.Load, of.Full));
    }

    private static byte[] Availability(string jobId, string room) =>
        new ServerMessage { Availability = new AvailabilityRequest { Job = Job(jobId, room) } }.ToByteArray();

    private static Job Job(string id, string room) => new() { Id = id, Type = JobType.JtRoom, Room = new global::LiveKit.Proto.Room { Name = room } };

    /// <summary>A started worker on one fake connection, registered as <c>AW_test</c>.</summary>
    private sealed class WorkerRun : IAsyncDisposable
    {
        private readonly AgentWorker _worker;

        private WorkerRun(AgentWorker worker, FakeConnector connector, TypedLog log)
        {
            _worker = worker;
            Connector = connector;
            Log = log;
        }

        public FakeConnector Connector { get; }

        public FakeConnection Connection => Connector.Current!;

        public TypedLog Log { get; }

        public static async Task<WorkerRun> StartAsync(IAgentJobs jobs, int maxRooms = 100)
        {
            var options = new LiveKitOptions { Url = "ws://127.0.0.1:1", ApiKey = "key", ApiSecret = "secret", AgentMaxRooms = maxRooms };
            var connector = new FakeConnector();
            var log = new TypedLog();
            var worker = new AgentWorker(Microsoft.Extensions.Options.Options.Create(options), connector, jobs, log);
            await worker.StartAsync(CancellationToken.None);
            var connection = await connector.FirstAsync;
            Assert.NotNull((await connection.NextAsync(m => m.Register is not null)).Register);
            connection.Deliver(new ServerMessage { Register = new RegisterWorkerResponse { WorkerId = "AW_test" } }.ToByteArray());
            return new WorkerRun(worker, connector, log);
        }

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _worker.StopAsync(timeout.Token);
            _worker.Dispose();
        }
    }

    private sealed class FakeConnector : IAgentWorkerConnector
    {
        private readonly TaskCompletionSource<FakeConnection> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _connections;

        public Task<FakeConnection> FirstAsync => _first.Task;

        public FakeConnection? Current { get; private set; }

        public int Connections => _connections;

        public Task<IAgentWorkerConnection> ConnectAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _connections);
            Current = new FakeConnection();
            _first.TrySetResult(Current);
            return Task.FromResult<IAgentWorkerConnection>(Current);
        }
    }

    private sealed class FakeConnection : IAgentWorkerConnection
    {
        private readonly Channel<byte[]?> _inbox = Channel.CreateUnbounded<byte[]?>();
        private readonly Channel<WorkerMessage> _sent = Channel.CreateUnbounded<WorkerMessage>();

        public void Deliver(byte[] frame) => _inbox.Writer.TryWrite(frame);

        /// <summary>The next message the worker sent that matches (others before it are skipped), within a generous bound.</summary>
        public async Task<WorkerMessage> NextAsync(Func<WorkerMessage, bool> match)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (true)
            {
                var message = await _sent.Reader.ReadAsync(timeout.Token);
                if (match(message))
                {
                    return message;
                }
            }
        }

        public Task SendAsync(WorkerMessage message, CancellationToken cancellationToken)
        {
            _sent.Writer.TryWrite(message);
            return Task.CompletedTask;
        }

        public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken) => await _inbox.Reader.ReadAsync(cancellationToken);

        public Task CloseAsync(CancellationToken cancellationToken)
        {
            _inbox.Writer.TryWrite(null);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FakeJobs : IAgentJobs
    {
        public volatile int Rooms;

        public int? RoomsOnStart { get; init; }

        public int? RoomsOnEnd { get; init; }

        public ConcurrentBag<string> Transcribed { get; } = [];

        public ConcurrentQueue<(string Room, string JobId, string Token)> Started { get; } = new();

        public ConcurrentQueue<(string Room, string JobId)> Ended { get; } = new();

        public int RoomsCarried => Rooms;

        public Task<bool> IsTranscribedAsync(string room, bool placeHere, CancellationToken cancellationToken) => Task.FromResult(Transcribed.Contains(room));

        public Task StartAsync(string room, DispatchedJob job, CancellationToken cancellationToken)
        {
            Started.Enqueue((room, job.Id, job.Token));
            Rooms = RoomsOnStart ?? Rooms;
            return Task.CompletedTask;
        }

        public Task<bool> EndAsync(string room, string jobId, CancellationToken cancellationToken)
        {
            Ended.Enqueue((room, jobId));
            Rooms = RoomsOnEnd ?? Rooms;
            return Task.FromResult(true);
        }
    }

    /// <summary>The worker's log, as a <see cref="RecordingLogger"/> keeps it.</summary>
    private sealed class TypedLog : ILogger<AgentWorker>
    {
        private readonly RecordingLogger _inner = new();

        public ConcurrentQueue<(LogLevel Level, string Message)> Entries => _inner.Entries;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
