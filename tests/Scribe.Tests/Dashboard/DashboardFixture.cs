using Microsoft.Playwright;
using Scribe.Fakes;
using Scribe.Fakes.LiveKit;
using Scribe.Fakes.Vllm;
using Scribe.LiveKit;
using Scribe.Tests.Cluster;
using Scribe.Tests.EndToEnd;

namespace Scribe.Tests.Dashboard;

/// <summary>
/// One silo with a strict fake vLLM ("gpu-1") and a fake LiveKit streaming in real time, plus Debian's Chromium
/// driven by Playwright. Playwright's own browser download is never used: the browser is /usr/bin/chromium
/// (scripts/setup/chromium.sh installs it), launched headless with a fresh temporary profile.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A named key holding only the <c>cluster</c> scope.</summary>
    public const string OpsKey = "ops-key-for-the-dashboard-0123";

    /// <summary>A named key holding only <c>transcripts:read</c>: it sees rooms but may not erase them.</summary>
    public const string ReaderKey = "reader-key-for-the-dashboard-4567";

    private readonly HttpClient _http = new();
    private IPlaywright? _playwright;

    public FakeVllmServer Vllm { get; private set; } = null!;
    public FakeLiveKitServer LiveKit { get; private set; } = null!;
    public TestSilo Silo { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public LiveKitWebhookSender Webhooks { get; private set; } = null!;

    /// <summary>The folder holding <c>Cluster.sln</c>.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>artifacts/screenshots/</c> at the repository root.</summary>
    public static string ScreenshotDirectory { get; } = FindScreenshotDirectory();

    public async Task InitializeAsync()
    {
        Vllm = await FakeVllmServer.StartAsync();
        // Real-time pace: interim text stays on screen long enough for a person (and the test) to see it.
        LiveKit = await FakeLiveKitServer.StartAsync(TestSilo.LiveKitKey, TestSilo.LiveKitSecret, pace: 1.0);
        Silo = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["LiveKit:Url"] = LiveKit.Url.ToString(),
            ["Inference:Endpoints:0:Name"] = "gpu-1",
            ["Inference:Endpoints:0:Url"] = Vllm.RealtimeUrl.ToString(),
            ["Inference:Endpoints:0:Model"] = Vllm.Model,
            ["Inference:Endpoints:0:MaxSessions"] = "16",
            ["Api:Keys:0:Name"] = "ops",
            ["Api:Keys:0:Key"] = OpsKey,
            ["Api:Keys:0:Scopes"] = "cluster",
            ["Api:Keys:1:Name"] = "reader",
            ["Api:Keys:1:Key"] = ReaderKey,
            ["Api:Keys:1:Scopes"] = "transcripts:read",
        });
        Webhooks = new LiveKitWebhookSender(_http, TestSilo.LiveKitKey, TestSilo.LiveKitSecret);

        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/setup/chromium.sh.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        if (LiveKit is not null)
        {
            await LiveKit.DisposeAsync();
        }

        if (Vllm is not null)
        {
            await Vllm.DisposeAsync();
        }

        _http.Dispose();
    }

    /// <summary>A fresh browser context (no cookies, no session storage) at laptop width.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            BaseURL = Silo.Url.ToString(),
            AcceptDownloads = true,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Opens the dashboard and enters the key.</summary>
    public async Task<IPage> SignedInPageAsync(string key = TestSilo.AdminKey)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/dashboard");
        await page.GetByLabel("Admin key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open dashboard" }).ClickAsync();
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>Starts the room, then has each speaker join and publish; returns when every egress has ended.</summary>
    public async Task RunMeetingAsync(string roomName, Meeting meeting, TimeSpan timeout)
    {
        var room = new LiveKitRoom { Name = roomName, Sid = "RM_" + roomName };
        Assert.Equal(200, (await Webhooks.RoomStartedAsync(Silo.WebhookUrl, room, CancellationToken.None)).HttpStatus);
        var tracks = new List<string>();
        foreach (var (speaker, pcm) in meeting.Tracks)
        {
            var participant = LiveKit.AddParticipant(roomName, speaker, char.ToUpperInvariant(speaker[0]) + speaker[1..]);
            var track = LiveKit.AddAudioTrack(roomName, speaker, $"TR_{roomName}_{speaker}", pcm);
            room = LiveKit.GetRoom(roomName);
            Assert.Equal(200, (await Webhooks.ParticipantJoinedAsync(Silo.WebhookUrl, room, participant, CancellationToken.None)).HttpStatus);
            Assert.Equal(200, (await Webhooks.TrackPublishedAsync(Silo.WebhookUrl, room, participant, track, CancellationToken.None)).HttpStatus);
            tracks.Add(track.Sid);
        }

        using var cancel = new CancellationTokenSource(timeout);
        foreach (var track in tracks)
        {
            var egress = await LiveKit.WaitForTrackEgressAsync(track, cancel.Token);
            await LiveKit.WaitForEgressEndAsync(egress.EgressId, cancel.Token);
        }
    }

    /// <summary>Two speakers, long sentences: each generation shows interim words for a few seconds.</summary>
    public static Meeting LongMeeting() => new([
        ("alice", "a25 e25 h25 c25 a25 e25 h25 c25 a25 e25 h25 c25"),
        ("bob", "g25 d25 f25 b25 g25 d25 f25 b25 g25 d25"),
        ("alice", "e20 a20 c20 h20 e20 a20"),
    ]);

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cluster.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? AppContext.BaseDirectory;
    }

    private static string FindScreenshotDirectory()
    {
        var path = Path.Combine(FindRepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
