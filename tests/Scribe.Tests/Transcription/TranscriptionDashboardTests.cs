using Microsoft.Playwright;
using Scribe.Tests.Dashboard;
using static Microsoft.Playwright.Assertions;

namespace Scribe.Tests.Transcription;

/// <summary>The dashboard's room view shows whether the room is transcribed, and its button starts and stops it.</summary>
public sealed class TranscriptionDashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task The_room_view_starts_and_stops_transcription()
    {
        const string room = "captions-desk";
        var page = await fixture.RoomPageAsync(room);
        var transcription = page.GetByRole(AriaRole.Group, new() { Name = "Transcription" });

        // Nobody has reported the room and the policy (AllRooms) starts rooms only when they begin: off.
        await Expect(transcription).ToContainTextAsync("Off");
        await transcription.GetByRole(AriaRole.Button, new() { Name = "Start transcription" }).ClickAsync();
        await Expect(transcription).ToContainTextAsync("On");
        await Expect(transcription).ToContainTextAsync("by admin");
        Assert.True((await TranscriptionRoutes.GetAsync(fixture.Silo.Admin, room)).Active);
        await DashboardFixture.ScreenshotAsync(page, "room-transcription-on");

        await transcription.GetByRole(AriaRole.Button, new() { Name = "Stop transcription" }).ClickAsync();
        await Expect(transcription.GetByRole(AriaRole.Button, new() { Name = "Start transcription" })).ToBeVisibleAsync();
        Assert.False((await TranscriptionRoutes.GetAsync(fixture.Silo.Admin, room)).Active);
    }
}
