using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Scribe.Tests.Dashboard;

/// <summary>
/// A <see cref="MeetingRig"/> (one silo, strict fake vLLM "gpu-1", fake LiveKit streaming in real time) plus Debian's
/// Chromium driven by Playwright. Playwright's own browser download is never used: the browser is /usr/bin/chromium
/// (scripts/setup/chromium.sh installs it), launched headless with a fresh temporary profile.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>A named key holding only the <c>cluster</c> scope.</summary>
    public const string OpsKey = "ops-key-for-the-dashboard-0123";

    /// <summary>A named key holding only <c>transcripts:read</c>: it sees rooms but may not erase them.</summary>
    public const string ReaderKey = "reader-key-for-the-dashboard-4567";

    private IPlaywright? _playwright;

    public MeetingRig Rig { get; private set; } = null!;

    public TestSilo Silo => Rig.Silo;

    public FakeLiveKitServer LiveKit => Rig.LiveKit;

    public LiveKitWebhookSender Webhooks => Rig.Webhooks;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary><c>artifacts/screenshots/</c> at the repository root.</summary>
    public static string ScreenshotDirectory { get; } =
        Directory.CreateDirectory(Path.Combine(Repository.Root, "artifacts", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        Rig = await MeetingRig.StartAsync(new RigOptions
        {
            // Real-time pace: interim text stays on screen long enough for a person (and the test) to see it.
            LiveKitPace = 1.0,
            MaxSessions = 16,
            ApiKeys = [("ops", OpsKey, "cluster"), ("reader", ReaderKey, "transcripts:read")],
        });

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
        SetDefaultExpectTimeout(15_000);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Rig is not null)
        {
            await Rig.DisposeAsync();
        }
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

    /// <summary>Signs in with a key that may see rooms and waits for the Rooms view, the first view such a key lands on.</summary>
    public async Task<IPage> RoomsPageAsync(string key = TestSilo.AdminKey)
    {
        var page = await SignedInPageAsync(key);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rooms", Exact = true })).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Signs in (see <see cref="RoomsPageAsync"/>), then opens the view of <paramref name="room"/>.</summary>
    public async Task<IPage> RoomPageAsync(string room, string key = TestSilo.AdminKey)
    {
        var page = await RoomsPageAsync(key);
        await page.GotoAsync($"/dashboard/#/room/{room}");
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>Waits for <paramref name="locator"/> to show; the screenshot is saved either way, so a failure shows what the page held.</summary>
    public static async Task ExpectVisibleWithScreenshotAsync(IPage page, ILocator locator, float timeoutMs, string screenshot)
    {
        try
        {
            await Expect(locator).ToBeVisibleAsync(new() { Timeout = timeoutMs });
        }
        finally
        {
            await ScreenshotAsync(page, screenshot);
        }
    }

    /// <summary>Reports room_started for <paramref name="name"/> (answered 200).</summary>
    public async Task<LiveKitRoom> StartRoomAsync(string name)
    {
        var room = new LiveKitRoom { Name = name, Sid = "RM_" + name };
        Assert.Equal(200, (await Webhooks.RoomStartedAsync(Silo.WebhookUrl, room, CancellationToken.None)).HttpStatus);
        return room;
    }

    /// <summary>Reports room_finished for <paramref name="room"/> (answered 200).</summary>
    public async Task FinishRoomAsync(LiveKitRoom room) =>
        Assert.Equal(200, (await Webhooks.RoomFinishedAsync(Silo.WebhookUrl, room, CancellationToken.None)).HttpStatus);

    /// <summary>Starts the room, then has each speaker join and publish; returns when every egress has played out.</summary>
    /// <remarks>Track sids name the room as well as the speaker: rooms of one fixture reuse speakers, and an egress is found by its track.</remarks>
    public async Task RunMeetingAsync(string roomName, Meeting meeting, TimeSpan timeout)
    {
        var room = await StartRoomAsync(roomName);
        var tracks = new List<string>();
        foreach (var (speaker, pcm) in meeting.Tracks)
        {
            var participant = LiveKit.AddParticipant(roomName, speaker, Names.Of(speaker));
            var track = LiveKit.AddAudioTrack(roomName, speaker, $"TR_{roomName}_{speaker}", pcm);
            room = LiveKit.GetRoom(roomName);
            Assert.Equal(200, (await Webhooks.ParticipantJoinedAsync(Silo.WebhookUrl, room, participant, CancellationToken.None)).HttpStatus);
            Assert.Equal(200, (await Webhooks.TrackPublishedAsync(Silo.WebhookUrl, room, participant, track, CancellationToken.None)).HttpStatus);
            tracks.Add(track.Sid);
        }

        using var cancel = new CancellationTokenSource(timeout);
        await LiveKit.WaitForEgressesAsync(tracks, cancel.Token);
    }

    /// <summary>Two speakers, long sentences: each generation shows interim words for a few seconds.</summary>
    public static Meeting LongMeeting() => new([
        ("alice", "a25 e25 h25 c25 a25 e25 h25 c25 a25 e25 h25 c25"),
        ("bob", "g25 d25 f25 b25 g25 d25 f25 b25 g25 d25"),
        ("alice", "e20 a20 c20 h20 e20 a20"),
    ]);
}
