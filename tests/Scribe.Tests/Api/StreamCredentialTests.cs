using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;

namespace Scribe.Tests.Api;

/// <summary>
/// An open transcript stream lasts as long as the credential that opened it: a viewer token's stream ends at the
/// token's expiry, a key's when a configuration reload removes the key, each with a last event saying why.
/// </summary>
public sealed class StreamCredentialTests : RigTest
{
    private const string ReaderKey = "reader-key-0123456789abcdef";
    private const string NewReaderKey = "reader-key-rotated-0123456789";

    private readonly FakeTimeProvider _clock;

    public StreamCredentialTests()
        : this(new FakeTimeProvider(DateTimeOffset.UtcNow))
    {
    }

    private StreamCredentialTests(FakeTimeProvider clock)
        : base(new RigOptions
        {
            FakeVllm = false,
            LiveKitPace = null,
            Settings = new Dictionary<string, string?>
            {
                ["Api:Keys:0:Name"] = "reader",
                ["Api:Keys:0:Key"] = ReaderKey,
                ["Api:Keys:0:Scopes"] = "transcripts:read",
            },
            Services = services => services.AddSingleton<TimeProvider>(clock),
        }) => _clock = clock;

    private HttpClient Client(string bearer)
    {
        var client = new HttpClient { BaseAddress = Rig.Silo.Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private async Task StartRoomAsync(string room)
    {
        var grain = Rig.Grains.GetGrain<IRoomGrain>(room);
        await grain.StartAsync();
        await grain.UpsertSegmentAsync(Names.Segment(room, "alice", 1, "hello from " + room));
    }

    private static async Task AssertEndsAsync(EventStreamClient stream, string reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var last = await stream.ReadAsync(timeout.Token);
        Assert.Equal("end", last.Event);
        Assert.Equal(reason, JsonDocument.Parse(last.Data).RootElement.GetProperty("reason").GetString());
        await Assert.ThrowsAsync<EndOfStreamException>(() => stream.ReadAsync(timeout.Token));
    }

    [Fact]
    public async Task A_viewer_stream_ends_when_its_token_expires()
    {
        await StartRoomAsync("watched");
        var issued = await Rig.Silo.Admin.PostAsync(new Uri("/api/rooms/watched/viewer-token", UriKind.Relative), null);
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var viewer = Client(token);
        await using var stream = await EventStreamClient.OpenAsync(viewer, "/api/rooms/watched/transcript/stream");
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("segment", (await stream.ReadAsync(timeout.Token)).Event);

        // Just before expiry it still flows; at expiry it ends.
        _clock.Advance(TimeSpan.FromMinutes(59));
        await Rig.Grains.GetGrain<IRoomGrain>("watched").UpsertSegmentAsync(Names.Segment("watched", "alice", 2, "still here"));
        Assert.Equal("segment", (await stream.ReadAsync(timeout.Token)).Event);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await AssertEndsAsync(stream, "expired");

        // And the token opens nothing more.
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync(new Uri("/api/rooms/watched/transcript", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_key_stream_ends_when_a_configuration_reload_revokes_the_key()
    {
        await StartRoomAsync("rotated");
        using var reader = Client(ReaderKey);
        await using var stream = await EventStreamClient.OpenAsync(reader, "/api/rooms/rotated/transcript/stream");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("segment", (await stream.ReadAsync(timeout.Token)).Event);

        var configuration = (IConfigurationRoot)Rig.Silo.Services.GetRequiredService<IConfiguration>();
        configuration["Api:Keys:0:Key"] = NewReaderKey;
        configuration.Reload();

        await AssertEndsAsync(stream, "revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync(new Uri("/api/rooms", UriKind.Relative))).StatusCode);
        using var rotated = Client(NewReaderKey);
        Assert.Equal(HttpStatusCode.OK, (await rotated.GetAsync(new Uri("/api/rooms", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_reload_that_keeps_the_key_keeps_its_stream_and_a_wrong_reload_changes_nothing()
    {
        await StartRoomAsync("kept");
        using var reader = Client(ReaderKey);
        await using var stream = await EventStreamClient.OpenAsync(reader, "/api/rooms/kept/transcript/stream");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal("segment", (await stream.ReadAsync(timeout.Token)).Event);

        var configuration = (IConfigurationRoot)Rig.Silo.Services.GetRequiredService<IConfiguration>();
        configuration["Api:ViewerTokenMinutes"] = "30";
        configuration.Reload();
        configuration["Api:Keys:0:Key"] = "short";
        configuration.Reload();

        await Rig.Grains.GetGrain<IRoomGrain>("kept").UpsertSegmentAsync(Names.Segment("kept", "alice", 2, "still here"));
        Assert.Equal("segment", (await stream.ReadAsync(timeout.Token)).Event);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri("/api/rooms", UriKind.Relative))).StatusCode);
    }
}
