using System.Net;
using Microsoft.Extensions.Hosting;
using Scribe.Silo.Hosting;

namespace Scribe.Tests.Deployment;

/// <summary>
/// The probes Kubernetes asks, through the real host: startup once the silo joined its cluster, readiness false
/// from the moment shutdown begins (before the speakers' hand-off), liveness answered by the process alone.
/// </summary>
public sealed class SiloProbeTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<HttpStatusCode> AskAsync(TestSilo silo, string probe) =>
        (await Http.GetAsync(new Uri(silo.Url, probe))).StatusCode;

    [Fact]
    public async Task A_started_silo_has_joined_is_ready_and_alive()
    {
        await using var silo = await TestSilo.StartAsync(new Dictionary<string, string?>());

        Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Startup));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Readiness));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Liveness));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.LegacyLiveness));
    }

    [Fact]
    public async Task Readiness_turns_false_when_shutdown_begins_before_the_hand_off_while_the_silo_stays_alive()
    {
        BlockingHandOff? registered = null;
        // Registered beside the real hand-off, so it stops when that would.
        var silo = await TestSilo.StartAsync(new Dictionary<string, string?>(), services => services.Insert(
            services.IndexOf(services.Single(d => d.ImplementationType == typeof(SpeakerHandoff))) + 1,
            ServiceDescriptor.Singleton<IHostedService>(sp => registered = new BlockingHandOff(sp.GetRequiredService<SiloStopping>()))));
        var handOff = registered ?? throw new InvalidOperationException("the hand-off stand-in was not started");
        Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Readiness));

        var stopping = silo.DisposeAsync().AsTask();
        await handOff.Began.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The hand-off of a stopping silo runs now: no new work may land here, yet nothing should restart the pod.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await AskAsync(silo, SiloProbes.Readiness));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Liveness));
        Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Startup));

        handOff.Release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(handOff.ReadinessWasAlreadyOff, "readiness was still on when the hand-off began");
    }

    [Fact]
    public async Task A_sigterm_turns_readiness_false_at_once()
    {
        var silo = await TestSilo.StartAsync(new Dictionary<string, string?>());
        try
        {
            // What the host does on SIGTERM before it stops any service.
            silo.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await AskAsync(silo, SiloProbes.Readiness));
            Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Liveness));
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task Liveness_and_startup_answer_while_redis_the_cluster_depends_on_is_gone()
    {
        await using var redis = await RedisServer.StartAsync();
        var silo = await TestSilo.StartAsync(redis.ClusterSettings("probes"));
        try
        {
            Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Readiness));
            redis.Stop();

            // Membership and storage are unreachable; a probe that asked them would fail and get the pod restarted.
            Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Liveness));
            Assert.Equal(HttpStatusCode.OK, await AskAsync(silo, SiloProbes.Startup));
        }
        finally
        {
            // Back, so the silo can leave its cluster rather than wait out Redis timeouts.
            await redis.RestartAsync();
            await silo.DisposeAsync();
        }
    }

    /// <summary>Stands in for <see cref="SpeakerHandoff"/>: stopping work that runs, and waits, in StoppingAsync.</summary>
    private sealed class BlockingHandOff(SiloStopping stopping) : IHostedLifecycleService
    {
        public TaskCompletionSource Began { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool ReadinessWasAlreadyOff { get; private set; }

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            // What /readyz reads, at the first instant of the hand-off.
            ReadinessWasAlreadyOff = stopping.IsStopping;
            Began.SetResult();
            await Release.Task;
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
