using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Scribe.Tests.Dashboard;

/// <summary>Erasing a finished room from its page: asked first, refused with the API's reason, offered only to keys that may.</summary>
public sealed class DashboardEraseTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    /// <summary>The transcript route the erase button calls (DELETE) and the test reads back (GET).</summary>
    private static Uri Transcript(string room) => new($"/api/rooms/{room}/transcript", UriKind.Relative);

    [Fact]
    public async Task A_finished_room_erased_from_the_dashboard_is_gone_from_the_list_and_its_transcript_answers_404()
    {
        const string roomName = "erase-me";
        var room = await fixture.StartRoomAsync(roomName);
        var page = await fixture.RoomPageAsync(roomName);
        var erase = page.GetByRole(AriaRole.Button, new() { Name = "Erase transcript" });

        // Not offered while the room is active.
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("Active");
        await Expect(erase).ToBeHiddenAsync();

        await fixture.FinishRoomAsync(room);
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("Finished");
        await Expect(erase).ToBeVisibleAsync();

        // Cancel keeps the room.
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Erase room {roomName}?" });
        await erase.ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "room-erase-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Silo.Admin.GetAsync(Transcript(roomName))).StatusCode);

        // A refusal (409, as while the room is active) shows the problem's detail and stays on the room.
        var deletes = 0;
        await page.RouteAsync(new Regex($"/api/rooms/{roomName}/transcript$"), route =>
        {
            Assert.Equal("DELETE", route.Request.Method);
            deletes++;
            return route.FulfillAsync(new()
            {
                Status = 409,
                ContentType = "application/problem+json",
                Body = $$"""{"title":"Room active","status":409,"detail":"Room '{{roomName}}' is active; erase it once it has finished."}""",
            });
        });
        await erase.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Erase", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"Room '{roomName}' is active; erase it once it has finished.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Room {roomName}" })).ToBeVisibleAsync();
        Assert.Equal(1, deletes);
        await DashboardFixture.ScreenshotAsync(page, "room-erase-refused");
        await page.UnrouteAsync(new Regex($"/api/rooms/{roomName}/transcript$"));

        // The real erase: back to the rooms, the room gone from the list and from the API.
        await erase.ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Erase", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rooms", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText($"Room {roomName} was erased.")).ToBeVisibleAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Rooms updated");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = roomName, Exact = true })).ToHaveCountAsync(0);
        await DashboardFixture.ScreenshotAsync(page, "rooms-after-erase");
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Silo.Admin.GetAsync(Transcript(roomName))).StatusCode);
    }

    [Fact]
    public async Task A_key_without_transcripts_delete_sees_no_erase_button()
    {
        const string roomName = "kept";
        await fixture.FinishRoomAsync(await fixture.StartRoomAsync(roomName));

        var reader = await fixture.RoomPageAsync(roomName, DashboardFixture.ReaderKey);
        await Expect(reader.Locator("dl.facts")).ToContainTextAsync("Finished");
        await Expect(reader.Locator(".transcript-head .live")).ToHaveTextAsync("live (stream)");
        await Expect(reader.GetByRole(AriaRole.Button, new() { Name = "Erase transcript" })).ToHaveCountAsync(0);
        await DashboardFixture.ScreenshotAsync(reader, "room-finished-reader-key");

        // The same finished room offers it to the admin key: the button is missing because of the scope alone.
        var admin = await fixture.RoomPageAsync(roomName);
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Erase transcript" })).ToBeVisibleAsync();
    }
}
