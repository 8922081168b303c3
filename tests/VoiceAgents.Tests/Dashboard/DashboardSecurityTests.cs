using Microsoft.Playwright;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

/// <summary>The dashboard works under serve.mjs's Content-Security-Policy: every page, and not one violation.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardSecurityTests(DashboardFixture fx)
{
    [Fact]
    public async Task Every_page_runs_under_the_servers_content_security_policy_without_a_violation()
    {
        var tenant = await fx.Api.SignupAsync("csp");
        var agent = (await tenant.CreateAgentAsync("Policy"))["id"]!.GetValue<string>();
        await tenant.CreateCampaignAsync(agent);
        var call = CallLogSeed.Log(tenant.TenantId, DateTime.UtcNow.AddMinutes(-5), agent, phoneNumber: "+14155550188");
        await fx.Api.InsertAsync([call]);
        await using var context = await fx.NewContextAsync();
        var violations = new List<string>();
        context.Console += (_, m) =>
        {
            if (m.Text.Contains(DashboardFixture.CspViolation, StringComparison.Ordinal) || m.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                lock (violations) violations.Add(m.Text);
            }
        };
        var page = await context.NewPageAsync();

        // Live updates (Web PubSub) and the API are reachable from the page.
        await Ui.LoginAsync(page, tenant.Email, next: "/call-logs/");
        await Expect(page.Locator($"tr[data-call-id='{call.Id}']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-live-mode=live]")).ToBeVisibleAsync();
        foreach (var path in new[] { "agents/", "campaigns/", "inbound-numbers/", $"call-logs/view/?id={call.Id}", "analytics/", "usage/", "api-keys/", "publishable-keys/", "provider-credentials/", "talk/" })
        {
            var response = await page.GotoAsync(path);
            Assert.Contains("frame-ancestors 'none'", (await response!.AllHeadersAsync())["content-security-policy"], StringComparison.Ordinal);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start call" })).ToBeVisibleAsync();

        lock (violations) Assert.Empty(violations);
    }
}
