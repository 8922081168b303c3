using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>What the browser tests do as a person would: fill labelled fields, press buttons, look at the page.</summary>
public static partial class Ui
{
    public const string Password = "correct-horse-battery";

    public static ILocator FieldError(IPage page, string label) =>
        page.Locator("div.space-y-1").Filter(new LocatorFilterOptions { Has = page.Locator($"label:text-is('{label}')") }).Locator("[data-field-error]");

    public static async Task SignupAsync(IPage page, string email, string organization)
    {
        await page.GotoAsync("signup/");
        await page.GetByLabel("Your name").FillAsync("Ada Lovelace");
        await page.GetByLabel("Organization").FillAsync(organization);
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await page.WaitForURLAsync(AgentsUrl());
    }

    public static async Task LoginAsync(IPage page, string email, string password = Password, string? next = null)
    {
        await page.GotoAsync(next is null ? "login/" : $"login/?next={Uri.EscapeDataString(next)}");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>
    /// A screenshot at 1280 px and one at 375 px under dashboard/test-results, and at 375 px the page must not be
    /// wider than the screen (nothing to scroll sideways to).
    /// </summary>
    public static async Task ShotAsync(IPage page, string name)
    {
        var before = page.ViewportSize!;
        await page.SetViewportSizeAsync(1280, 900);
        await page.WaitForTimeoutAsync(150);
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.ScreenshotFolder, $"{name}-1280.png"), FullPage = true });
        await page.SetViewportSizeAsync(375, 812);
        await page.WaitForTimeoutAsync(300);
        await page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.ScreenshotFolder, $"{name}-375.png"), FullPage = true });
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 375, $"{name} is {width} px wide at a 375 px viewport");
        await page.SetViewportSizeAsync(before.Width, before.Height);
    }

    public static Regex AgentsUrl() => PathRegex("/agents/");

    public static Regex PathRegex(string path) => new($"^https?://[^/]+{Regex.Escape(path)}(\\?.*)?$");
}
