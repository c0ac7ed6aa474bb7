using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Scribe.Tests.Dashboard;

/// <summary>Basics a keyboard or screen reader user needs: named buttons, a labelled live transcript, visible focus.</summary>
public sealed class DashboardAccessibilityTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private const string ActiveElementOutline = "() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth); }";

    [Fact]
    public async Task Buttons_have_names_the_transcript_is_labelled_and_keyboard_focus_shows()
    {
        const string roomName = "keyboard";
        var page = await fixture.RoomPageAsync(roomName);

        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Transcript", Exact = true })).ToBeVisibleAsync();
        var transcript = page.GetByRole(AriaRole.List, new() { Name = $"Transcript of {roomName}" });
        await Expect(transcript).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "JSON" })).ToBeVisibleAsync();

        var buttons = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('button')].filter(b => b.checkVisibility()).map(b => (b.getAttribute('aria-label') || b.textContent).trim())");
        Assert.True(buttons.Length >= 5, string.Join(", ", buttons));
        Assert.DoesNotContain("", buttons);

        // From the heading's link, the keyboard reaches the next control with a visible ring, and the
        // scrolling transcript can take focus (to scroll it by keyboard) and shows it too.
        await page.GetByRole(AriaRole.Link, new() { Name = "All rooms" }).FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await page.EvaluateAsync<double>(ActiveElementOutline) >= 2);
        var reached = false;
        for (var i = 0; i < 20 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            reached = await page.EvaluateAsync<bool>("() => document.activeElement.matches('ol.transcript')");
        }

        Assert.True(reached, "Tab never reached the transcript");
        Assert.True(await page.EvaluateAsync<double>(ActiveElementOutline) >= 2);
        await DashboardFixture.ScreenshotAsync(page, "room-keyboard-focus");
    }
}
