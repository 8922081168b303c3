using Microsoft.Playwright;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>Post-call analysis in the dashboard: the agent form's analysis fields and the call view's analysis.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardAnalysisTests(DashboardFixture fx)
{
    [Fact]
    public async Task The_agent_form_saves_an_analysis_and_the_call_view_and_list_show_a_calls_analysis()
    {
        var tenant = await fx.Api.SignupAsync("analysis-ui");
        var agentId = (await tenant.CreateAgentAsync("Analysed"))["id"]!.GetValue<string>();
        var call = CallLogSeed.Log(tenant.TenantId, DateTime.UtcNow.AddMinutes(-2), agentId, voiceToVoiceMs: 800);
        call.Analysis = new CallAnalysis
        {
            Kind = CallAnalysisKinds.Extractive,
            Summary = "The caller said: \"a table for two\"",
            Data = new BsonDocument("party_size", "two"),
            Success = new CallSuccess { Verdict = true, Reason = "The caller gave party_size." },
            AnalyzedAt = DateTime.UtcNow.AddMinutes(-1),
        };
        await fx.Api.InsertAsync([call]);

        await using var context = await fx.NewContextAsync();
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email);
        await page.WaitForURLAsync(Ui.AgentsUrl());

        // The form: a broken extract pattern is named beside its field, a fixed one saves.
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit Analysed" }).ClickAsync();
        await page.GetByLabel("Analyse each call after it ends").CheckAsync();
        await page.GetByLabel("Data (JSON Schema)").FillAsync("""{"type":"object","properties":{"party_size":{"type":"string"}}}""");
        await page.GetByLabel("Extract (offline rules agents)").FillAsync("party_size = table for \\w+");
        await page.GetByLabel("Success criteria").FillAsync("The caller booked a table.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(Ui.FieldError(page, "Extract (offline rules agents)")).ToContainTextAsync("one capture group");
        await page.GetByLabel("Extract (offline rules agents)").FillAsync("party_size = table for (\\w+)");
        await Ui.ShotAsync(page, "agents-analysis-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(page.Locator("[data-analysis-fieldset]")).ToHaveCountAsync(0);
        var saved = await PostCallSteps.GetAsync(tenant, $"agents/{agentId}");
        Assert.Equal(@"table for (\w+)", saved["analysis"]!["extract"]!["party_size"]!.GetValue<string>());

        // The call list's success filter and column, then the call view's analysis.
        await page.GotoAsync("call-logs/");
        await Expect(page.Locator($"tr[data-call-id='{call.Id}'] [data-call-success]")).ToHaveTextAsync("yes");
        await Ui.ShotAsync(page, "call-logs-success");
        await page.GotoAsync($"call-logs/view/?id={call.Id}");
        var analysis = page.Locator("[data-call-analysis]");
        await Expect(analysis.Locator("[data-analysis-kind]")).ToHaveTextAsync("extractive (offline)");
        await Expect(analysis.Locator("[data-analysis-summary]")).ToHaveTextAsync("The caller said: \"a table for two\"");
        await Expect(analysis.Locator("[data-analysis-field=party_size]")).ToHaveTextAsync("two");
        await Expect(analysis.Locator("[data-analysis-success=true]")).ToContainTextAsync("The caller gave party_size.");
        await Ui.ShotAsync(page, "call-analysis");
    }
}
