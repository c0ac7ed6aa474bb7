using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Scribe.LiveKit;
using Scribe.Tests.Cluster;
using static Microsoft.Playwright.Assertions;

namespace Scribe.Tests.Dashboard;

/// <summary>Erasing a finished room from its page: asked first, refused with the API's reason, offered only to keys that may.</summary>
public sealed class DashboardEraseTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task A_finished_room_erased_from_the_dashboard_is_gone_from_the_list_and_its_transcript_answers_404()
    {
        const string roomName = "erase-me";
        var room = await StartRoomAsync(roomName);
        var page = await fixture.SignedInPageAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rooms", Exact = true })).ToBeVisibleAsync();
        await page.GotoAsync($"/dashboard/#/room/{roomName}");
        var erase = page.GetByRole(AriaRole.Button, new() { Name = "Erase transcript" });

        // Not offered while the room is active.
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("Active");
        await Expect(erase).ToBeHiddenAsync();

        Assert.Equal(200, (await fixture.Webhooks.RoomFinishedAsync(Silo.WebhookUrl, room, CancellationToken.None)).HttpStatus);
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("Finished");
        await Expect(erase).ToBeVisibleAsync();

        // Cancel keeps the room.
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Erase room {roomName}?" });
        await erase.ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "room-erase-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, (await Silo.Admin.GetAsync(Transcript(roomName))).StatusCode);

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
        Assert.Equal(HttpStatusCode.NotFound, (await Silo.Admin.GetAsync(Transcript(roomName))).StatusCode);
    }

    [Fact]
    public async Task A_key_without_transcripts_delete_sees_no_erase_button()
    {
        const string roomName = "kept";
        var room = await StartRoomAsync(roomName);
        Assert.Equal(200, (await fixture.Webhooks.RoomFinishedAsync(Silo.WebhookUrl, room, CancellationToken.None)).HttpStatus);

        var reader = await fixture.SignedInPageAsync(DashboardFixture.ReaderKey);
        await Expect(reader.GetByRole(AriaRole.Heading, new() { Name = "Rooms", Exact = true })).ToBeVisibleAsync();
        await reader.GotoAsync($"/dashboard/#/room/{roomName}");
        await Expect(reader.Locator("dl.facts")).ToContainTextAsync("Finished");
        await Expect(reader.Locator(".transcript-head .live")).ToHaveTextAsync("live (stream)");
        await Expect(reader.GetByRole(AriaRole.Button, new() { Name = "Erase transcript" })).ToHaveCountAsync(0);
        await DashboardFixture.ScreenshotAsync(reader, "room-finished-reader-key");

        // The same finished room offers it to the admin key: the button is missing because of the scope alone.
        var admin = await fixture.SignedInPageAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Rooms", Exact = true })).ToBeVisibleAsync();
        await admin.GotoAsync($"/dashboard/#/room/{roomName}");
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Erase transcript" })).ToBeVisibleAsync();
    }

    private async Task<LiveKitRoom> StartRoomAsync(string name)
    {
        var room = new LiveKitRoom { Name = name, Sid = "RM_" + name };
        Assert.Equal(200, (await fixture.Webhooks.RoomStartedAsync(Silo.WebhookUrl, room, CancellationToken.None)).HttpStatus);
        return room;
    }

    private static Uri Transcript(string room) => new($"/api/rooms/{room}/transcript", UriKind.Relative);
}
