using Microsoft.Playwright;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>The usage page: totals by provider and transport, a row per day, and the agent, campaign and date filters.</summary>
[Collection(DashboardCollection.Name)]
public sealed class UsagePageTests(DashboardFixture fx)
{
    [Fact]
    public async Task Usage_page_shows_totals_by_provider_and_a_row_per_day_and_filters_by_agent()
    {
        var tenant = await fx.Api.SignupAsync("usage-page");
        var front = (await tenant.CreateAgentAsync("Front desk"))["id"]!.GetValue<string>();
        var sales = (await tenant.CreateAgentAsync("Sales line"))["id"]!.GetValue<string>();
        var today = DateTime.UtcNow.Date;
        await fx.Api.InsertAsync(
        [
            Call(tenant.TenantId, today.AddMinutes(5), front, "websocket", 90, ("rules", 120, 30), 45.5, 210),
            Call(tenant.TenantId, today.AddDays(-1).AddHours(9), front, "twilio", 150, ("openai", 2400, 160), 61.25, 380),
            Call(tenant.TenantId, today.AddDays(-1).AddHours(11), sales, "twilio", 30, ("openai", 800, 40), 12, 95),
        ]);

        await using var context = await fx.NewContextAsync(microphone: false);
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/usage/");
        await page.WaitForURLAsync(Ui.PathRegex("/usage/"));

        await Expect(page.Locator("[data-stat=calls]")).ToHaveTextAsync("3");
        await Expect(page.Locator("[data-stat=call_minutes]")).ToHaveTextAsync("4.50");
        await Expect(page.Locator("[data-usage='call_minutes.twilio']")).ToHaveTextAsync("twilio: 3.00");
        await Expect(page.Locator("[data-usage='call_minutes.websocket']")).ToHaveTextAsync("websocket: 1.50");
        await Expect(page.Locator("[data-stat=llm_tokens_in]")).ToHaveTextAsync("3,320");
        await Expect(page.Locator("[data-usage='llm_tokens_in.rules']")).ToHaveTextAsync("rules: 120 (estimate)");
        await Expect(page.Locator("[data-usage='tts_characters.local']")).ToHaveTextAsync("local: 685");
        await Expect(page.Locator("[data-usage='stt_audio_seconds.local']")).ToHaveTextAsync("local: 118.8");
        var yesterday = today.AddDays(-1).ToString("yyyy-MM-dd");
        await Expect(page.Locator("tr[data-day]")).ToHaveCountAsync(2);
        await Expect(page.Locator($"tr[data-day='{yesterday}'] [data-cell=calls]")).ToHaveTextAsync("2");
        await Expect(page.Locator($"tr[data-day='{yesterday}'] [data-cell=llm_tokens_out]")).ToContainTextAsync("200");
        await Ui.ShotAsync(page, "usage");

        await page.GetByLabel("Agent").SelectOptionAsync(new SelectOptionValue { Label = "Sales line" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("[data-stat=calls]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-stat=llm_tokens_in]")).ToHaveTextAsync("800");
        await Expect(page.Locator("tr[data-day]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_range_that_ends_before_it_starts_shows_the_apis_message_at_the_field()
    {
        var tenant = await fx.Api.SignupAsync("usage-range");
        await using var context = await fx.NewContextAsync(microphone: false);
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/usage/");
        await Expect(page.Locator("[data-stat=calls]")).ToHaveTextAsync("0");
        await Expect(page.GetByText("No calls in this range")).ToBeVisibleAsync();

        await page.GetByLabel("From (UTC)").FillAsync("2024-06-10");
        await page.GetByLabel("To (UTC, inclusive)").FillAsync("2024-06-01");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        await Expect(Ui.FieldError(page, "To (UTC, inclusive)")).ToContainTextAsync("must be after from");
    }

    private static CallLog Call(string tenantId, DateTime at, string agentId, string transport, double seconds, (string Provider, long In, long Out) llm, double stt, long tts)
    {
        var log = CallLogSeed.Log(tenantId, at, agentId, durationSeconds: seconds);
        log.Usage = new CallUsage
        {
            SttAudioSeconds = new() { ["local"] = stt },
            LlmTokensIn = new() { [llm.Provider] = llm.In },
            LlmTokensOut = new() { [llm.Provider] = llm.Out },
            TtsCharacters = new() { ["local"] = tts },
            CallMinutes = new() { [transport] = seconds / 60 },
        };
        return log;
    }
}
