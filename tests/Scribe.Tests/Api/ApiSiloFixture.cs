using Microsoft.Extensions.DependencyInjection;
using Scribe.Tests.Cluster;

namespace Scribe.Tests.Api;

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

/// <summary>Segments the way a speaker's transcriber makes them: ids per generation, times from the audio clock.</summary>
internal static class Names
{
    public static string Of(string identity) => char.ToUpperInvariant(identity[0]) + identity[1..];

    public static TranscriptSegment Segment(string room, string speaker, int n, string text, bool final = true, long? startMs = null)
    {
        var start = startMs ?? n * 1_000L;
        return new TranscriptSegment($"{speaker}:TR_{speaker}:0.{n}", room, speaker, Of(speaker), "TR_" + speaker, start, start + 800, text, final, "en");
    }
}
