using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scribe.Media;

namespace Scribe.Tests.Media;

/// <summary>
/// The supervisor with the real media process (node + @livekit/rtc-node), no LiveKit: a room URL nothing listens on
/// makes the child report <c>joinFailed</c>, which shows every (re)join it was sent.
/// </summary>
public sealed class MediaProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Port 1 on loopback: nothing listens there, so the SDK's connect is refused at once.
    private const string DeadRoomUrl = "ws://127.0.0.1:1";
    private const string TokenPrefix = "eyJhbGciOiJIUzI1NiJ9.eyJ0ZXN0IjoiYWdlbnQifQ.c2lnbmF0dXJl";

    private readonly LogCapture _logs = new();
    private MediaProcess _media = null!;
    private int _tokensMinted;

    public Task InitializeAsync()
    {
        Assert.True(
            File.Exists(Path.Combine(Repository.Root, "src", "Media", "agent", "node_modules", "@livekit", "rtc-node", "package.json")),
            "@livekit/rtc-node is not installed: run scripts/setup/media.sh from the repository root.");
        var options = new MediaOptions
        {
            NodePath = NodeInterop.NodeExecutable(),
            ScriptPath = Path.Combine(Repository.Root, "src", "Media", "agent", "agent.mjs"),
        };
        using var factory = new LoggerFactory([_logs]);
        _media = new MediaProcess(Options.Create(options), factory.CreateLogger<MediaProcess>());
        return _media.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _media.DisposeAsync();
        Assert.DoesNotContain(_logs.Entries, entry => entry.Contains(TokenPrefix, StringComparison.Ordinal));
        foreach (var entry in _logs.Entries.Where(e => e.Contains("media", StringComparison.OrdinalIgnoreCase)).Take(40))
        {
            output.WriteLine(entry);
        }
    }

    [Fact]
    public async Task A_killed_media_process_is_restarted_and_rejoins_its_rooms_with_a_fresh_token()
    {
        var events = new RecordingRoomEvents();
        await _media.WhenReadyAsync().WaitAsync(Eventually.DefaultPatience);
        await _media.JoinAsync(DeadRoom("standup"), events);
        Assert.StartsWith("joinFailed standup", await events.NextAsync("joinFailed"), StringComparison.Ordinal);
        var first = _media.ProcessId!.Value;
        Assert.Equal(1, _tokensMinted);

        var killedAt = Stopwatch.StartNew();
        Process.GetProcessById(first).Kill(); // SIGKILL: no goodbye on the channel

        await events.NextAsync("joinFailed standup");
        output.WriteLine($"rejoin attempted {killedAt.ElapsedMilliseconds} ms after kill -9");
        Assert.NotEqual(first, _media.ProcessId);
        Assert.Equal(2, _media.Runs);
        Assert.Equal(2, _tokensMinted);
    }

    [Fact]
    public async Task A_room_left_is_not_joined_again_and_a_second_join_of_a_joined_room_is_refused()
    {
        var events = new RecordingRoomEvents();
        await _media.WhenReadyAsync().WaitAsync(Eventually.DefaultPatience);
        var room = await _media.JoinAsync(DeadRoom("standup"), events);
        await events.NextAsync("joinFailed standup");
        await Assert.ThrowsAsync<InvalidOperationException>(() => _media.JoinAsync(DeadRoom("standup"), new RecordingRoomEvents()));

        await room.LeaveAsync().WaitAsync(Eventually.DefaultPatience);
        Assert.Equal("left standup leave", await events.NextAsync("left"));

        // The name is free again once left.
        var again = new RecordingRoomEvents();
        await _media.JoinAsync(DeadRoom("standup"), again);
        await again.NextAsync("joinFailed standup");
    }

    [Fact]
    public async Task A_connection_with_the_wrong_secret_is_refused_and_the_media_process_keeps_its_channel()
    {
        await _media.WhenReadyAsync().WaitAsync(Eventually.DefaultPatience);
        using var intruder = new TcpClient();
        await intruder.ConnectAsync("127.0.0.1", _media.Port);
        var stream = intruder.GetStream();
        await stream.WriteAsync(MediaChannel.Encode(new HelloMessage(new string('0', 64), MediaProcess.ProtocolVersion, Environment.ProcessId)));

        Assert.Equal(0, await stream.ReadAsync(new byte[16]).AsTask().WaitAsync(Eventually.DefaultPatience));
        await Eventually.HoldsAsync(() => _logs.Entries.Any(e => e.Contains("Refused a media channel connection: wrong secret", StringComparison.Ordinal)), "the refusal is logged");

        var events = new RecordingRoomEvents();
        await _media.JoinAsync(DeadRoom("after-intruder"), events);
        await events.NextAsync("joinFailed after-intruder");
        Assert.Equal(1, _media.Runs);
    }

    [Fact]
    public async Task A_connection_that_sends_no_hello_is_dropped_after_the_hello_timeout()
    {
        await _media.WhenReadyAsync().WaitAsync(Eventually.DefaultPatience);
        using var idle = new TcpClient();
        await idle.ConnectAsync("127.0.0.1", _media.Port);

        Assert.Equal(0, await idle.GetStream().ReadAsync(new byte[16]).AsTask().WaitAsync(Eventually.DefaultPatience));
        Assert.Contains(_logs.Entries, e => e.Contains("Refused a media channel connection: no hello within 2 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_media_process_leaves_and_exits_by_itself_when_the_silo_closes_the_channel()
    {
        await _media.WhenReadyAsync().WaitAsync(Eventually.DefaultPatience);
        var pid = _media.ProcessId!.Value;

        await _media.StopAsync(CancellationToken.None);

        Assert.Equal(0, _media.LastExitCode);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
        Assert.Contains(_logs.Entries, e => e.Contains("stopping", StringComparison.Ordinal) && e.Contains("channel closed", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Contains("killed", StringComparison.Ordinal));
    }

    [Fact]
    public void The_options_refuse_a_missing_script_or_node()
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var options = new MediaOptions { NodePath = "/nonexistent/node", ScriptPath = "/nonexistent/agent.mjs" };
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Media:NodePath", StringComparison.Ordinal));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Media:ScriptPath", StringComparison.Ordinal));
    }

    private AgentJoin DeadRoom(string room) =>
        new(room, DeadRoomUrl, "scribe-agent", ["standard"], () => $"{TokenPrefix}{Interlocked.Increment(ref _tokensMinted)}");
}
