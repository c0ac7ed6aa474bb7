using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using Scribe.Captions;
using Scribe.Notifications;
using Scribe.Silo.Hosting;
using Scribe.Telemetry;

namespace Scribe.Tests.Infrastructure;

/// <summary>
/// Orleans' own in-process test cluster of two silos, for grain behaviour that needs no sockets: the grains run
/// as in production (same storage names, System.Text.Json state), messages go over Orleans' in-memory transport,
/// so a test is fast, may deactivate or migrate grains between silos, and sees exactly what storage kept.
/// Tests that need Kestrel, ingest WebSockets or realtime sessions use <c>TestSilo</c> instead.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    /// <summary>Short final timeout, so lifecycle rules that wait for it (a finished room closing interims) run in a second.</summary>
    public const int FinalTimeoutMs = 500;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.AddMemoryGrainStorage(StorageNames.State);
            silo.AddMemoryGrainStorage(StorageNames.Transcripts);
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddScribeMetrics();
            silo.Services.AddSingleton(Options.Create(new TranscriberOptions { FinalTimeoutMs = FinalTimeoutMs }));
            // The egress path, as before the agent participant became the default.
            silo.Services.AddSingleton(Options.Create(new LiveKitOptions { Audio = LiveKitAudio.Egress }));
            silo.Services.AddSingleton(Options.Create(new TranscriptOptions()));
            // The room grain tells the room and the backend about transcription; here nobody listens.
            silo.Services.AddSingleton<ITranscriptDataChannel, NoTranscriptDataChannel>();
            silo.Services.AddSingleton<IBackendEvents, RecordingBackendEvents>();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Deactivates <paramref name="grain"/> and waits until it is gone: its next call reads storage afresh.</summary>
    public async Task DeactivateAsync(IAddressable grain)
    {
        await Cluster.DeactivateAsync(grain);
        await Cluster.WaitForDeactivationAsync(grain);
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainCluster>
{
    public const string Name = "grain cluster";
}
