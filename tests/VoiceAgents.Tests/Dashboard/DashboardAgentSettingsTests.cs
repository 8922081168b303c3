using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using Microsoft.Playwright;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>The agent form's MCP servers, transfer destinations, caller silence and maximum duration, saved and read back.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardAgentSettingsTests(DashboardFixture fx)
{
    [Fact]
    public async Task An_agents_mcp_server_transfer_destination_silence_and_maximum_duration_set_in_the_form_come_back_through_the_api_and_the_form()
    {
        var tenant = await fx.Api.SignupAsync("dash-settings");
        await using var context = await fx.NewContextAsync(microphone: false);
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());

        await page.GetByRole(AriaRole.Button, new() { Name = "New agent" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Front desk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add MCP server" }).ClickAsync();
        await page.GetByLabel("Tool 1 name").FillAsync("crm");
        await page.GetByLabel("Tool 1 URL").FillAsync("http://127.0.0.1:9/mcp");
        await page.GetByLabel("Tool 1 headers").FillAsync("Authorization: Bearer crm-token\nX-Tenant: Acme");
        await page.GetByLabel("Tool 1: cancel it when the caller interrupts").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add destination" }).ClickAsync();
        await page.GetByLabel("Destination 1 name").FillAsync("sales");
        // Not E.164: the API's 400 is shown beside the number.
        await page.GetByLabel("Destination 1 number").FillAsync("415-555-0111");
        await page.GetByLabel("Destination 1 description").FillAsync("Callers who want to buy.");
        await page.GetByLabel("Destination 1 hand-off line").FillAsync("Putting you through to sales.");
        await page.GetByLabel("Reprompt after (s)").FillAsync("8");
        await page.GetByLabel("Reprompt message").FillAsync("Are you still there, {{ name | default: \"caller\" }}?");
        await page.GetByLabel("Hang up after (s)").FillAsync("20");
        await page.GetByLabel("Maximum duration (s)").FillAsync("600");
        await page.GetByLabel("Closing line at maximum duration").FillAsync("We are out of time, goodbye.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Destination 1 number")).ToContainTextAsync("E.164");
        await Expect(page.GetByLabel("Destination 1 number")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Ui.FieldError(page, "Destination 1 name")).ToHaveCountAsync(0);
        await Ui.ShotAsync(page, "agents-transfer-error");

        await page.GetByLabel("Destination 1 number").FillAsync("+14155550111");
        await Ui.ShotAsync(page, "agents-settings-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        var card = page.Locator("li[data-agent-id]").Filter(new() { HasText = "Front desk" });
        await Expect(card).ToContainTextAsync("1 tool");

        using var client = tenant.Client();
        var agent = Assert.Single((await TenantSession.Read(await client.GetAsync("agents"), 200))["items"]!.AsArray())!;
        var tool = Assert.Single(agent["tools"]!.AsArray())!;
        Assert.Equal(("mcp", "crm", "http://127.0.0.1:9/mcp"), (tool["type"]!.GetValue<string>(), tool["name"]!.GetValue<string>(), tool["url"]!.GetValue<string>()));
        Assert.True(tool["cancel_on_barge_in"]!.GetValue<bool>());
        // Header values are write-only: the API shows them masked, and the stored ones are what the form sent.
        Assert.Equal("""{"Authorization":"********","X-Tenant":"********"}""", tool["headers"]!.ToJsonString());
        Assert.Equal(new Dictionary<string, string> { ["Authorization"] = "Bearer crm-token", ["X-Tenant"] = "Acme" }, await StoredHeadersAsync(tenant, agent));
        var destination = Assert.Single(agent["transfer_destinations"]!.AsArray())!;
        Assert.Equal(("sales", "+14155550111", "Callers who want to buy.", "Putting you through to sales."),
            (destination["name"]!.GetValue<string>(), destination["phone_number"]!.GetValue<string>(), destination["description"]!.GetValue<string>(), destination["message"]!.GetValue<string>()));
        Assert.Equal(JsonNode.Parse("""{"reprompt_after_s":8,"reprompt_message":"Are you still there, {{ name | default: \"caller\" }}?","hangup_after_s":20}"""), agent["silence"], JsonNode.DeepEquals);
        Assert.Equal((600, "We are out of time, goodbye."), (agent["max_duration_s"]!.GetValue<int>(), agent["max_duration_message"]!.GetValue<string>()));

        // After a reload the form shows what was saved.
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit Front desk" }).ClickAsync();
        await Expect(page.GetByLabel("Tool 1 name")).ToHaveValueAsync("crm");
        await Expect(page.GetByLabel("Tool 1 URL")).ToHaveValueAsync("http://127.0.0.1:9/mcp");
        await Expect(page.GetByLabel("Tool 1 headers")).ToHaveValueAsync("Authorization: ********\nX-Tenant: ********");
        await Expect(page.GetByLabel("Tool 1: cancel it when the caller interrupts")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Destination 1 name")).ToHaveValueAsync("sales");
        await Expect(page.GetByLabel("Destination 1 number")).ToHaveValueAsync("+14155550111");
        await Expect(page.GetByLabel("Destination 1 description")).ToHaveValueAsync("Callers who want to buy.");
        await Expect(page.GetByLabel("Destination 1 hand-off line")).ToHaveValueAsync("Putting you through to sales.");
        await Expect(page.GetByLabel("Reprompt after (s)")).ToHaveValueAsync("8");
        await Expect(page.GetByLabel("Reprompt message")).ToHaveValueAsync("Are you still there, {{ name | default: \"caller\" }}?");
        await Expect(page.GetByLabel("Hang up after (s)")).ToHaveValueAsync("20");
        await Expect(page.GetByLabel("Maximum duration (s)")).ToHaveValueAsync("600");
        await Expect(page.GetByLabel("Closing line at maximum duration")).ToHaveValueAsync("We are out of time, goodbye.");

        // Saving the form unchanged keeps every setting (PUT replaces the whole agent).
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("form[aria-labelledby=agent-form-title]")).ToHaveCountAsync(0);
        var saved = await TenantSession.Read(await client.GetAsync($"agents/{agent["id"]!.GetValue<string>()}"), 200);
        foreach (var field in new[] { "tools", "transfer_destinations", "silence", "max_duration_s", "max_duration_message" })
        {
            Assert.True(JsonNode.DeepEquals(agent[field], saved[field]), $"{field}: {agent[field]?.ToJsonString()} became {saved[field]?.ToJsonString()}");
        }
        // The masked values the form sent back kept the stored ones.
        Assert.Equal(new Dictionary<string, string> { ["Authorization"] = "Bearer crm-token", ["X-Tenant"] = "Acme" }, await StoredHeadersAsync(tenant, agent));
    }

    private async Task<Dictionary<string, string>> StoredHeadersAsync(TenantSession tenant, JsonNode agent)
    {
        var id = agent["id"]!.GetValue<string>();
        var stored = await fx.Api.Services.GetRequiredService<MongoContext>().Agents.Find(a => a.Id == id && a.TenantId == tenant.TenantId).FirstAsync();
        return Assert.Single(stored.Tools).Headers;
    }
}
