using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using VoiceAgents.Tests.Dashboard;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>The knowledge bases page (create, upload, list, search, remove, delete) and the agent form's knowledge base picker.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardKnowledgeBasesTests(DashboardFixture fx)
{
    private static FilePayload Markdown(string name, string text) => new() { Name = name, MimeType = "text/markdown", Buffer = Encoding.UTF8.GetBytes(text) };

    [Fact]
    public async Task A_member_creates_a_knowledge_base_uploads_documents_sees_them_listed_removes_one_and_deletes_it()
    {
        var tenant = await fx.Api.SignupAsync("dash-kb");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/knowledge-bases/");
        await page.WaitForURLAsync(Ui.PathRegex("/knowledge-bases/"));
        await Expect(page.GetByText("No knowledge bases yet")).ToBeVisibleAsync();

        // Without a name the API's field error is shown under the field.
        await page.GetByRole(AriaRole.Button, new() { Name = "Create knowledge base" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Knowledge base name")).ToBeVisibleAsync();
        await page.GetByLabel("Knowledge base name").FillAsync("Clinic policies");
        await page.GetByLabel("Description").FillAsync("What the front desk knows");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create knowledge base" }).ClickAsync();
        var panel = page.GetByRole(AriaRole.Region, new() { Name = "Knowledge base Clinic policies" });
        await Expect(panel.GetByText("No documents yet")).ToBeVisibleAsync();

        await panel.GetByLabel("Document", new() { Exact = true }).SetInputFilesAsync(Markdown("hours.md", "# Hours\n\nWe open at eight and close at six."));
        await panel.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(panel.Locator("li[data-document-id]").Filter(new() { HasText = "hours.md" })).ToContainTextAsync("1 passage");
        await panel.GetByLabel("Document", new() { Exact = true }).SetInputFilesAsync(Markdown("parking.md", "# Parking\n\nParking behind the clinic is free."));
        await panel.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(panel.Locator("li[data-document-id]")).ToHaveCountAsync(2);
        await Expect(panel.Locator("[data-knowledge-base-version]")).ToHaveTextAsync("version 2");

        // The search box asks the search endpoint: the parking passage comes first, with its source.
        await panel.GetByRole(AriaRole.Searchbox, new() { Name = "Question" }).FillAsync("Is parking free?");
        await panel.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var best = panel.GetByRole(AriaRole.List, new() { Name = "Search results" }).Locator("li[data-search-result]").First;
        await Expect(best).ToContainTextAsync("Parking behind the clinic is free.");
        await Expect(best).ToContainTextAsync("parking.md");

        // A file of a kind the API refuses: its 415 problem is shown.
        await panel.GetByLabel("Document", new() { Exact = true }).SetInputFilesAsync(new FilePayload { Name = "photo.png", MimeType = "image/png", Buffer = [137, 80, 78, 71] });
        await panel.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Alert)).ToContainTextAsync("Expected plain text, Markdown, HTML or PDF");
        await Ui.ShotAsync(page, "knowledge-bases");

        // Listed again after a reload, from the API.
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Clinic policies" }).ClickAsync();
        await Expect(panel.Locator("li[data-document-id]")).ToHaveCountAsync(2);

        page.Dialog += (_, d) => d.AcceptAsync();
        await panel.Locator("li[data-document-id]").Filter(new() { HasText = "hours.md" }).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(panel.Locator("li[data-document-id]")).ToHaveCountAsync(1);
        await Expect(panel.Locator("[data-knowledge-base-version]")).ToHaveTextAsync("version 3");
        using var client = tenant.Client();
        var kbs = await TenantSession.Read(await client.GetAsync("knowledge-bases"), 200);
        var kb = kbs["items"]!.AsArray().Single()!["id"]!.GetValue<string>();
        var documents = await TenantSession.Read(await client.GetAsync($"knowledge-bases/{kb}/documents"), 200);
        Assert.Equal(["parking.md"], documents["items"]!.AsArray().Select(d => d!["file_name"]!.GetValue<string>()));

        await panel.GetByRole(AriaRole.Button, new() { Name = "Delete knowledge base" }).ClickAsync();
        await Expect(page.GetByText("No knowledge bases yet")).ToBeVisibleAsync();
        await Problems.AssertNotFound(await client.GetAsync($"knowledge-bases/{kb}"));
    }

    [Fact]
    public async Task The_agent_form_picks_a_knowledge_base_its_mode_and_a_rule_that_answers_from_it()
    {
        var tenant = await fx.Api.SignupAsync("dash-kb-agent");
        using var client = tenant.Client();
        var kb = await KnowledgeBasesTests.CreateKnowledgeBaseAsync(client, "Price list");
        var agent = (await tenant.CreateAgentAsync("Front desk"))["id"]!.GetValue<string>();
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());

        await page.GetByRole(AriaRole.Button, new() { Name = "Edit Front desk" }).ClickAsync();
        var picker = page.GetByRole(AriaRole.Group, new() { Name = "Knowledge bases" });
        await picker.GetByLabel("Price list", new() { Exact = true }).CheckAsync();
        await picker.GetByLabel("How the agent uses Price list").SelectOptionAsync("tool");
        var rule = await page.Locator("[data-rule-index]").CountAsync() + 1;
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await page.GetByLabel($"Rule {rule} match").FillAsync("price");
        await page.GetByLabel($"Rule {rule}: answer from the knowledge bases").CheckAsync();
        await Expect(page.GetByLabel($"Rule {rule} reply")).ToBeDisabledAsync();
        await Ui.ShotAsync(page, "agents-knowledge-bases");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();

        await Eventually.Assert(async () =>
        {
            var stored = await TenantSession.Read(await client.GetAsync($"agents/{agent}"), 200);
            var picked = Assert.Single(stored["knowledge_bases"]!.AsArray())!;
            Assert.Equal((kb, "tool"), (picked["id"]!.GetValue<string>(), picked["mode"]!.GetValue<string>()));
            var saved = stored["rules"]!.AsArray()[rule - 1]!;
            Assert.Equal("price", saved["match"]!.GetValue<string>());
            Assert.True(saved["reply_from_knowledge"]!.GetValue<bool>());
            Assert.True(string.IsNullOrEmpty(saved["reply"]?.GetValue<string>()));
        }, TimeSpan.FromSeconds(10));

        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit Front desk" }).ClickAsync();
        await Expect(page.GetByLabel($"Rule {rule}: answer from the knowledge bases")).ToBeCheckedAsync();
    }
}
