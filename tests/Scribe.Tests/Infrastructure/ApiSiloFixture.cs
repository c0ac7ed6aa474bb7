namespace Scribe.Tests.Infrastructure;

/// <summary>One real silo shared by a test class; each test uses its own room names.</summary>
public sealed class ApiSiloFixture : IAsyncLifetime
{
    public TestSilo Silo { get; private set; } = null!;

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync() => Silo = await TestSilo.StartAsync(new Dictionary<string, string?>());

    public async Task DisposeAsync() => await Silo.DisposeAsync();

    /// <summary>Starts <paramref name="room"/> with the given speakers joined (no tracks: nothing is transcribed).</summary>
    public async Task<IRoomGrain> StartRoomAsync(string room, params string[] speakers)
    {
        var grain = Grains.GetGrain<IRoomGrain>(room);
        await grain.StartAsync();
        foreach (var speaker in speakers)
        {
            await grain.ParticipantJoinedAsync(new ParticipantInfo(speaker, Names.Of(speaker), "PA_" + speaker));
        }

        return grain;
    }
}
