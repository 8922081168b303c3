using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>The provider keys page: an admin sets, replaces and deletes the tenant's own vendor keys, and sees only their last four characters.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardProviderCredentialsTests(DashboardFixture fx)
{
    [Fact]
    public async Task An_admin_sets_replaces_and_deletes_a_key_and_the_page_shows_only_its_last_four_characters()
    {
        var tenant = await fx.Api.SignupAsync("dash-byok");
        await using var context = await fx.NewContextAsync(microphone: false);
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());

        await page.GetByRole(AriaRole.Link, new() { Name = "Provider keys" }).First.ClickAsync();
        await page.WaitForURLAsync(Ui.PathRegex("/provider-credentials/"));
        var deepgram = page.Locator("li[data-provider=deepgram]");
        await Expect(deepgram).ToContainTextAsync("No key of yours: calls use the platform’s key.");

        await deepgram.GetByRole(AriaRole.Button, new() { Name = "Set key" }).ClickAsync();
        await deepgram.GetByLabel("API key").FillAsync("dg-secret-dashboard-key-7781");
        await deepgram.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
        await Expect(deepgram).ToContainTextAsync("Your key …7781");
        await Expect(deepgram).ToContainTextAsync("not verified");
        Assert.DoesNotContain("dg-secret", await page.ContentAsync(), StringComparison.Ordinal);

        var compatible = page.Locator("li[data-provider=openai_compatible]");
        await compatible.GetByRole(AriaRole.Button, new() { Name = "Set key" }).ClickAsync();
        await compatible.GetByLabel("API key").FillAsync("local-server-key-1234");
        await compatible.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Base URL")).ToHaveTextAsync("Base URL is required.");
        await Ui.ShotAsync(page, "provider-credentials");
        await compatible.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await deepgram.GetByRole(AriaRole.Button, new() { Name = "Replace key" }).ClickAsync();
        await deepgram.GetByLabel("API key").FillAsync("dg-secret-dashboard-key-9902");
        await deepgram.GetByRole(AriaRole.Button, new() { Name = "Save key" }).ClickAsync();
        await Expect(deepgram).ToContainTextAsync("Your key …9902");

        await deepgram.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await deepgram.GetByRole(AriaRole.Button, new() { Name = "Confirm delete" }).ClickAsync();
        await Expect(deepgram).ToContainTextAsync("No key of yours: calls use the platform’s key.");
        using var client = tenant.Client();
        Assert.Equal("""{"items":[]}""", await client.GetStringAsync("provider-credentials"));
    }
}
