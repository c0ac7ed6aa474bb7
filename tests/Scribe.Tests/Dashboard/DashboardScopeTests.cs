using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Scribe.Tests.Dashboard;

/// <summary>The dashboard shows a named key only the views its scopes allow, and the outbox of backend notifications.</summary>
public sealed class DashboardScopeTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    [Fact]
    public async Task A_cluster_key_sees_the_cluster_and_notifications_but_not_rooms_or_endpoints()
    {
        var page = await fixture.SignedInPageAsync(DashboardFixture.OpsKey);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cluster", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("Signed in as ops")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Rooms", Exact = true })).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Endpoints", Exact = true })).ToBeHiddenAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Notifications", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Notifications", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("Notifications:Url is not set")).ToBeVisibleAsync();
        await Expect(page.GetByText("Every event was delivered.")).ToBeVisibleAsync();
        await DashboardFixture.ScreenshotAsync(page, "notifications-cluster-key");
    }

    [Fact]
    public async Task The_admin_key_sees_every_view()
    {
        var page = await fixture.RoomsPageAsync();

        foreach (var view in new[] { "Rooms", "Endpoints", "Cluster", "Notifications" })
        {
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = view, Exact = true })).ToBeVisibleAsync();
        }
    }
}
