using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Scribe.Participants;

/// <summary>
/// A graceful stop (SIGTERM) hands this silo's speakers to the others before anything else stops: each stream waits
/// for its speaker to pause (bounded), ends there with its last generation finished and delivered, and the speaker's
/// grain moves to another active silo, which starts a fresh egress to itself. It runs in
/// <see cref="IHostedLifecycleService.StoppingAsync"/>, while Orleans and Kestrel are still fully up.
/// </summary>
public sealed partial class SpeakerHandoff(
    SpeakerStreamRegistry streams,
    IGrainFactory grains,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    ILogger<SpeakerHandoff> logger) : IHostedLifecycleService
{
    /// <summary>The whole hand-off; the host's shutdown timeout must leave Orleans time after it.</summary>
    internal static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var local = streams.Snapshot();
        if (local.Count == 0)
        {
            return;
        }

        var targets = OtherSilos.Active(membership, silo);
        LogHandingOff(local.Count, targets.Count);
        var clock = Stopwatch.StartNew();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        var handedOff = await Task.WhenAll(local.Select((stream, i) => HandOffAsync(stream, targets.Count == 0 ? null : targets[i % targets.Count], limit.Token)));
        LogHandedOff(handedOff.Count(ok => ok), local.Count, clock.ElapsedMilliseconds);
    }

    private async Task<bool> HandOffAsync(SpeakerStream stream, SiloAddress? target, CancellationToken cancellationToken)
    {
        var speaker = stream.Speaker;
        try
        {
            await stream.EndAtNextPauseAsync(SpeakerStream.PauseWait, cancellationToken);
            await grains.GetGrain<IParticipantGrain>(ParticipantKey.Of(speaker.Room, speaker.Identity)).HandOffAsync(target).WaitAsync(cancellationToken);
            await stream.Ended.WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            LogHandOffFailed(e, speaker.Room, speaker.Identity);
            await streams.StopAsync(stream);
            return false;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo stopping: handing {Streams} speaker streams to {Silos} other silos")]
    private partial void LogHandingOff(int streams, int silos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo stopping: {HandedOff} of {Streams} speaker streams ended at a pause and moved, in {ElapsedMs} ms")]
    private partial void LogHandedOff(int handedOff, int streams, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Speaker {Room}/{Identity} could not be handed off; stopping its stream here")]
    private partial void LogHandOffFailed(Exception exception, string room, string identity);
}
