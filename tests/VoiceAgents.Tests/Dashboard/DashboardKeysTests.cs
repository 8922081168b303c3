using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>The API keys page (secret shown once, copy, revoke) and the publishable keys page (embed snippet).</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardKeysTests(DashboardFixture fx)
{
    [Fact]
    public async Task An_admin_creates_an_api_key_copies_its_secret_shown_once_and_revokes_it()
    {
        var tenant = await fx.Api.SignupAsync("dash-api-keys");
        await using var context = await ClipboardContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/api-keys/");
        await page.WaitForURLAsync(Ui.PathRegex("/api-keys/"));
        await Expect(page.GetByText("No API keys yet")).ToBeVisibleAsync();

        // Without a name the API's field error is shown under the field.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Key name")).ToBeVisibleAsync();

        await page.GetByLabel("Key name").FillAsync("CRM sync");
        await page.GetByLabel("Write").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var shown = page.Locator("[data-api-key-secret]");
        await Expect(shown).ToBeVisibleAsync();
        var secret = (await shown.TextContentAsync())!.Trim();
        Assert.StartsWith("va_sk_", secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy secret" }).ClickAsync();
        await Expect(page.GetByText("Copied.")).ToBeVisibleAsync();
        Assert.Equal(secret, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Ui.ShotAsync(page, "api-keys-secret");

        // The secret works on the API within its scopes.
        using var server = fx.Api.Client();
        server.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("agents")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await Expect(shown).ToHaveCountAsync(0);
        // Listed again after a reload, by name, prefix and scopes, and never with the secret.
        await page.ReloadAsync();
        var row = page.Locator("li[data-api-key-id]").Filter(new() { HasText = "CRM sync" });
        await Expect(row).ToContainTextAsync("read, write");
        await Expect(row).ToContainTextAsync("last used");
        Assert.DoesNotContain(secret, await page.ContentAsync());
        await Ui.ShotAsync(page, "api-keys");

        page.Dialog += (_, d) => d.AcceptAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(row).ToHaveAttributeAsync("data-revoked", "true");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Revoke" })).ToHaveCountAsync(0);
        await Eventually.Assert(
            async () => Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetAsync("agents")).StatusCode), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_admin_creates_a_publishable_key_copies_the_widget_embed_snippet_and_deletes_the_key()
    {
        var tenant = await fx.Api.SignupAsync("dash-pk");
        var agentId = await PostCallSteps.CreateAgentAsync(tenant);
        await using var context = await ClipboardContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/publishable-keys/");
        await page.WaitForURLAsync(Ui.PathRegex("/publishable-keys/"));
        await Expect(page.GetByText("No publishable keys yet")).ToBeVisibleAsync();

        await page.GetByLabel("Key name").FillAsync("Bistro site");
        await page.GetByLabel("Booker").CheckAsync();
        // Without an allowed origin the API's field error is shown under the field.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Allowed origins")).ToBeVisibleAsync();

        await page.GetByLabel("Allowed origins").FillAsync("http://127.0.0.1:5500\nhttps://www.example.com");
        await page.GetByLabel("Calls per minute").FillAsync("12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var card = page.Locator("li[data-publishable-key-id]").Filter(new() { HasText = "Bistro site" });
        await Expect(card).ToContainTextAsync("http://127.0.0.1:5500, https://www.example.com");
        await Expect(card).ToContainTextAsync("up to 12 calls a minute");
        var key = (await card.Locator("[data-publishable-key]").TextContentAsync())!.Trim();
        Assert.StartsWith("va_pk_", key);

        var snippet = card.Locator($"[data-embed-snippet='{agentId}']");
        var expected = $"<script src=\"{new Uri(fx.SiteUri, "widget/v1/voiceagents-widget.js")}\" data-publishable-key=\"{key}\" " +
            $"data-agent-id=\"{agentId}\" data-ws-url=\"{fx.Voice.WebSocketUri}\"></script>";
        await Expect(snippet).ToHaveTextAsync(expected);
        await card.GetByRole(AriaRole.Button, new() { Name = "Copy embed for Booker" }).ClickAsync();
        await Expect(card.GetByText("Copied.")).ToBeVisibleAsync();
        Assert.Equal(expected, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Ui.ShotAsync(page, "publishable-keys");

        // A publishable key is not secret: it is listed again, snippet and all.
        await page.ReloadAsync();
        await Expect(card.Locator($"[data-embed-snippet='{agentId}']")).ToHaveTextAsync(expected);

        page.Dialog += (_, d) => d.AcceptAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(page.GetByText("No publishable keys yet")).ToBeVisibleAsync();
        using var client = tenant.Client();
        var listed = JsonNode.Parse(await client.GetStringAsync("publishable-keys"))!["items"]!.AsArray();
        Assert.Empty(listed);
    }

    private async Task<IBrowserContext> ClipboardContextAsync()
    {
        var context = await fx.NewContextAsync(microphone: false);
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = fx.SiteUri.GetLeftPart(UriPartial.Authority) });
        return context;
    }
}
