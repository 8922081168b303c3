using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using VoiceAgents.Core.Net;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers.VendorServers;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>The agent form's tools, rules that call them, the preview, and tool turns in the call view.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardToolsTests(DashboardFixture fx)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_agent_made_in_the_form_calls_its_http_tool_from_a_rule_speaks_the_answer_and_the_call_view_shows_the_tool_turn()
    {
        await using var receiver = await LoopbackServer.StartAsync(c => Wire.JsonAsync(c, 200, """{"reference":"blue seven"}"""));
        var tenant = await fx.Api.SignupAsync("dash-tools");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());

        await page.GetByRole(AriaRole.Button, new() { Name = "New agent" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Tool booker");
        await page.GetByLabel("LLM provider").SelectOptionAsync("rules");
        await page.GetByLabel("TTS voice").SelectOptionAsync("slt");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add HTTP tool" }).ClickAsync();
        await page.GetByLabel("Tool 1 name").FillAsync("book");
        await page.GetByLabel("Tool 1 URL").FillAsync(receiver.BaseUri.ToString());
        await page.GetByLabel("Tool 1 description").FillAsync("Books a table for a party.");
        // A schema the meta-schema refuses: the API's 400 is shown beside the parameters.
        await page.GetByLabel("Tool 1 parameters").FillAsync("""{"type":"object","properties":{"party":{"type":"not-a-type"}}}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await page.GetByLabel("Rule 1 regex").FillAsync(@"table for (?<party>\w+)");
        await page.GetByLabel("Rule 1 calls tool").SelectOptionAsync("book");
        await page.GetByLabel("Rule 1 arguments").FillAsync("party = {{ match.party }}");
        await page.GetByLabel("Rule 1 reply").FillAsync("Booked for {{ match.party }}. Your reference is {{ tool.result.reference }}.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Tool 1 parameters")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Tool 1 parameters")).ToHaveAttributeAsync("aria-invalid", "true");
        await Ui.ShotAsync(page, "agents-tool-schema-error");

        await page.GetByLabel("Tool 1 parameters").FillAsync("""{"type":"object","properties":{"party":{"type":"string"}},"required":["party"]}""");
        await Ui.ShotAsync(page, "agents-tool-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        var card = page.Locator("li[data-agent-id]").Filter(new() { HasText = "Tool booker" });
        await Expect(card).ToContainTextAsync("1 tool");

        // The tool's signing secret, shown once: the receiver's request is signed with it.
        var secret = await page.Locator("[data-tool-secret=book]").TextContentAsync();
        Assert.False(string.IsNullOrWhiteSpace(secret));
        await Ui.ShotAsync(page, "agents-tool-secret");
        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied them" }).ClickAsync();
        await Expect(page.Locator("[data-tool-secret]")).ToHaveCountAsync(0);

        // The fake microphone asks for "a table for two": the rule calls the tool with party=two and speaks its answer.
        await card.GetByRole(AriaRole.Link, new() { Name = "Talk" }).ClickAsync();
        await page.WaitForURLAsync(Ui.PathRegex("/talk/"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Start call" }).ClickAsync();
        var reply = page.Locator("li[data-role=assistant]").Filter(new() { HasText = "blue seven" });
        await Expect(reply).ToBeVisibleAsync(new() { Timeout = (float)CallTimeout.TotalMilliseconds });
        var request = receiver.Single();
        Assert.True(WebhookSignature.Verify(request.Header(WebhookSignature.Header), Encoding.UTF8.GetBytes(request.Body), secret!, DateTimeOffset.UtcNow));
        Assert.Equal("two", JsonNode.Parse(request.Body)!["arguments"]!["party"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Hang up" }).ClickAsync();
        var callLink = page.Locator("[data-call-ended] a");
        await Expect(callLink).ToBeVisibleAsync(new() { Timeout = 15_000 });
        var callId = (await callLink.GetAttributeAsync("href"))!.Split("id=")[1];

        // The call view shows the tool turn once post-call processing has stored the transcript.
        using var client = tenant.Client();
        await Eventually.Assert(async () => Assert.Equal(200, (int)(await client.GetAsync($"transcripts/{callId}")).StatusCode), TimeSpan.FromSeconds(60));
        await page.GotoAsync($"call-logs/view/?id={callId}");
        var turn = page.Locator("[data-tool-turn=book]");
        await Expect(turn).ToBeVisibleAsync();
        await Expect(turn.Locator("[data-tool-arguments]")).ToHaveTextAsync("""{"party":"two"}""");
        await Expect(turn.Locator("[data-tool-result]")).ToHaveTextAsync("""{"reference":"blue seven"}""");
        await Expect(turn).ToContainTextAsync("ok");
        await Ui.ShotAsync(page, "call-detail-tool");
    }

    [Fact]
    public async Task The_agent_forms_interruption_fields_are_saved_and_a_bad_one_is_shown_beside_it()
    {
        var tenant = await fx.Api.SignupAsync("dash-interrupt");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());

        await page.GetByRole(AriaRole.Button, new() { Name = "New agent" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Patient listener");
        await page.GetByLabel("LLM provider").SelectOptionAsync("rules");
        await page.GetByLabel("Minimum words").FillAsync("11");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Minimum words")).ToBeVisibleAsync();

        await page.GetByLabel("Minimum words").FillAsync("2");
        await page.GetByLabel("Minimum speech (ms)").FillAsync("400");
        await page.GetByLabel("Backchannels never interrupt").UncheckAsync();
        await Ui.ShotAsync(page, "agents-interruption-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        await Expect(page.Locator("li[data-agent-id]").Filter(new() { HasText = "Patient listener" })).ToBeVisibleAsync();

        using var client = tenant.Client();
        var agents = await TenantSession.Read(await client.GetAsync("agents"), 200);
        var interruption = agents["items"]![0]!["interruption"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"min_words":2,"min_duration_ms":400,"backchannels":[]}"""), interruption), interruption.ToJsonString());
    }

    [Fact]
    public async Task The_preview_renders_the_drafts_prompt_and_first_message_over_the_sample_variables()
    {
        var tenant = await fx.Api.SignupAsync("dash-preview");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());

        await page.GetByRole(AriaRole.Button, new() { Name = "New agent" }).ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Greeter");
        await page.GetByLabel("System prompt").FillAsync("You call {{ name }} about order {{ order | default: \"none\" }}.");
        await page.GetByLabel("First message").FillAsync("Hello {{ name | upcase }}, this is {{ call.agent_id }}.");
        await page.GetByLabel("Sample variables").FillAsync("name = Ada\norder = 42");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview prompt" }).ClickAsync();
        await Expect(page.Locator("[data-preview-system-prompt]")).ToHaveTextAsync("You call Ada about order 42.");
        await Expect(page.Locator("[data-preview-first-message]")).ToHaveTextAsync("Hello ADA, this is preview.");
        await Ui.ShotAsync(page, "agents-preview");

        // A template that does not parse: the error, with its position, beside the field.
        await page.GetByLabel("First message").FillAsync("Hello {{ name ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview prompt" }).ClickAsync();
        await Expect(Ui.FieldError(page, "First message")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-preview]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_campaign_CSVs_extra_columns_become_its_contacts_variables()
    {
        var tenant = await fx.Api.SignupAsync("dash-contacts");
        await tenant.CreateAgentAsync("Dialer");
        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/campaigns/");
        await page.WaitForURLAsync(Ui.PathRegex("/campaigns/"));

        await page.GetByRole(AriaRole.Button, new() { Name = "New campaign" }).ClickAsync();
        await page.GetByLabel("Campaign name").FillAsync("Reminders");
        var csv = "name,phone,order\nAda,+14155550100,42\n\"Lovelace, Bob\",+14155550101,\n";
        await page.GetByLabel("Or upload a CSV file").SetInputFilesAsync(new FilePayload { Name = "contacts.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Expect(page.Locator("[data-csv-variables]")).ToContainTextAsync("name, order for 2 numbers");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign" }).ClickAsync();
        var item = page.Locator("li[data-campaign-id]").Filter(new() { HasText = "Reminders" });
        await Expect(item).ToContainTextAsync("2 numbers");
        await item.GetByRole(AriaRole.Link, new() { Name = "Reminders" }).ClickAsync();
        await Expect(page.Locator("[data-contact-variables='+14155550100']")).ToHaveTextAsync("name = Ada · order = 42");

        using var client = tenant.Client();
        var list = await TenantSession.Read(await client.GetAsync("campaigns"), 200);
        var id = list["items"]![0]!["id"]!.GetValue<string>();
        var campaign = await TenantSession.Read(await client.GetAsync($"campaigns/{id}"), 200);
        var contacts = campaign["contacts"]!.AsArray().ToDictionary(c => c!["phone_number"]!.GetValue<string>(), c => c!["variables"]!.ToJsonString());
        Assert.Equal("""{"name":"Ada","order":"42"}""", contacts["+14155550100"]);
        Assert.Equal("""{"name":"Lovelace, Bob"}""", contacts["+14155550101"]);
    }
}
