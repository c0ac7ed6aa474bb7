namespace Scribe.Tests.Transcription;

/// <summary>The transcription status is grain state in Redis: a silo that dies takes nothing of it along.</summary>
public sealed class TranscriptionRestartTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    // A fresh cluster over the same storage: the dead silo is not waited for, its grains' state is read back.
    private Dictionary<string, string?> Settings()
    {
        var settings = _redis.ClusterSettings("transcription");
        settings["Transcription:Activation"] = "OnRequest";
        return settings;
    }

    [Fact]
    public async Task The_status_survives_the_death_of_the_silo_that_held_it()
    {
        var first = await TestSilo.StartAsync(Settings());
        TranscriptionStatus started;
        try
        {
            started = await TranscriptionRoutes.StartAsync(first.Admin, "kept", """{"language":"fr"}""");
            await TranscriptionRoutes.StartAsync(first.Admin, "kept-then-stopped");
            await TranscriptionRoutes.StopAsync(first.Admin, "kept-then-stopped");
        }
        finally
        {
            await first.KillAsync();
        }

        await using var second = await TestSilo.StartAsync(Settings());
        Assert.Equal(started, await TranscriptionRoutes.GetAsync(second.Admin, "kept"));
        var stopped = await TranscriptionRoutes.GetAsync(second.Admin, "kept-then-stopped");
        Assert.Equal((false, "admin"), (stopped.Active, stopped.RequestedBy));
        Assert.NotNull(stopped.Since);
    }
}
