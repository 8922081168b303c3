using System.Text.Json.Nodes;
using Microsoft.Playwright;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>The inbound numbers page: which agent answers each number the operator allocated, and its calls' variables.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardInboundNumbersTests(DashboardFixture fx)
{
    private static ILocator VariablesError(IPage page) => page.Locator("fieldset").Filter(new() { Has = page.Locator("legend:text-is('Variables')") }).Locator("[data-field-error]");

    private async Task AllocateAsync(TenantSession tenant, string number)
    {
        using var operatorClient = fx.Api.OperatorClient();
        await TenantSession.Read(await operatorClient.PutAsync($"operator/tenants/{tenant.TenantId}/numbers/{Uri.EscapeDataString(number)}", null), 200);
    }

    [Fact]
    public async Task A_number_answered_in_the_page_keeps_its_variables_in_the_api_and_the_limits_show_beside_the_variables()
    {
        var tenant = await fx.Api.SignupAsync("dash-inbound");
        await tenant.CreateAgentAsync("Receptionist");
        var agentId = (await tenant.CreateAgentAsync("Front desk"))["id"]!.GetValue<string>();
        var number = "+1415557" + Random.Shared.Next(1000, 9999);
        await AllocateAsync(tenant, number);
        await using var context = await fx.NewContextAsync(microphone: false);
        var page = await context.NewPageAsync();
        page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/inbound-numbers/");
        await page.WaitForURLAsync(Ui.PathRegex("/inbound-numbers/"));
        var item = page.Locator($"li[data-inbound-number='{number}']");
        await Expect(item).ToContainTextAsync("No agent answers it");

        await page.GetByRole(AriaRole.Button, new() { Name = "Answer a number" }).ClickAsync();
        await page.GetByLabel("Number", new() { Exact = true }).SelectOptionAsync(number);
        await page.GetByLabel("Agent", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Front desk" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Add variable" }).ClickAsync();
        await page.GetByLabel("Variable 1 name").FillAsync("storeName");
        await page.GetByLabel("Variable 1 value").FillAsync("Downtown");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add variable" }).ClickAsync();
        await page.GetByLabel("Variable 2 name").FillAsync("notes");
        // One byte over the limit of a value: the API's 400 names the variable, beside the variables and on its row.
        await page.GetByLabel("Variable 2 value").FillAsync(new string('x', 1025));
        await page.GetByRole(AriaRole.Button, new() { Name = "Save number" }).ClickAsync();
        await Expect(VariablesError(page)).ToContainTextAsync("'notes' is longer than 1024 bytes");
        await Expect(page.GetByLabel("Variable 2 value")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByLabel("Variable 1 value")).ToHaveAttributeAsync("aria-invalid", "false");
        await Ui.ShotAsync(page, "inbound-numbers-variable-error");

        await page.GetByLabel("Variable 2 value").FillAsync("Ask for the manager");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save number" }).ClickAsync();
        await Expect(item.Locator("[data-inbound-variables]")).ToHaveTextAsync("storeName = Downtown · notes = Ask for the manager");
        await Expect(item.Locator("[data-inbound-agent]")).ToHaveTextAsync("Front desk");
        await Ui.ShotAsync(page, "inbound-numbers");

        // The API has them as the page wrote them (the name's case kept), and a reload shows them again.
        using var client = tenant.Client();
        var listed = Assert.Single((await TenantSession.Read(await client.GetAsync("inbound-numbers"), 200)).AsArray())!;
        Assert.Equal(agentId, listed["agent_id"]!.GetValue<string>());
        Assert.Equal("""{"storeName":"Downtown","notes":"Ask for the manager"}""", listed["variables"]!.ToJsonString());
        await page.ReloadAsync();
        await Expect(item.Locator("[data-inbound-variables]")).ToHaveTextAsync("storeName = Downtown · notes = Ask for the manager");

        // Fifty-one variables are one too many: the API's count is shown beside them.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit {number}" }).ClickAsync();
        await Expect(page.GetByLabel("Variable 2 name")).ToHaveValueAsync("notes");
        for (var i = 3; i <= 51; i++)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Add variable" }).ClickAsync();
            await page.GetByLabel($"Variable {i} name").FillAsync($"k{i}");
            await page.GetByLabel($"Variable {i} value").FillAsync("v");
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Save number" }).ClickAsync();
        await Expect(VariablesError(page)).ToContainTextAsync("most 50 variables are allowed (got 51)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove variable 51" }).ClickAsync();
        await page.GetByLabel("Variable 1 value").FillAsync("Uptown");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save number" }).ClickAsync();
        await Expect(page.Locator("form[aria-labelledby=inbound-form-title]")).ToHaveCountAsync(0);
        var edited = Assert.Single((await TenantSession.Read(await client.GetAsync("inbound-numbers"), 200)).AsArray())!["variables"]!.AsObject();
        Assert.Equal(50, edited.Count);
        Assert.Equal("Uptown", edited["storeName"]!.GetValue<string>());

        // Stopping answering keeps the number, without its agent or variables.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Stop answering {number}" }).ClickAsync();
        await Expect(item).ToContainTextAsync("No agent answers it");
        var stopped = Assert.Single((await TenantSession.Read(await client.GetAsync("inbound-numbers"), 200)).AsArray())!;
        Assert.Null(stopped["agent_id"]);
        Assert.Empty(stopped["variables"]?.AsObject() ?? new JsonObject());
    }
}
