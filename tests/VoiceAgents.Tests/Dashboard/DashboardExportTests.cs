using Microsoft.Playwright;
using MongoDB.Bson;
using VoiceAgents.Core.Domain;
using VoiceAgents.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace VoiceAgents.Tests.Dashboard;

[Collection(DashboardCollection.Name)]
public sealed class DashboardExportTests(DashboardFixture fx)
{
    [Fact]
    public async Task Export_CSV_on_the_call_logs_page_downloads_the_filtered_calls_with_their_analysis()
    {
        var tenant = await fx.Api.SignupAsync("export-page");
        var agent = (await tenant.CreateAgentAsync("Exporter"))["id"]!.GetValue<string>();
        var now = DateTime.UtcNow.AddHours(-1);
        var logs = Enumerable.Range(0, 6).Select(i => CallLogSeed.Log(tenant.TenantId, now.AddMinutes(-i), agent,
            status: i % 2 == 0 ? CallStatus.Failed : CallStatus.Completed)).ToList();
        logs[0].Analysis = new CallAnalysis
        {
            Summary = "The caller, Ada, wants a table for two.",
            Success = new CallSuccess { Verdict = false, Reason = "No table was free." },
            Data = new BsonDocument { ["party"] = 2 },
        };
        await fx.Api.InsertAsync(logs);

        await using var context = await fx.NewContextAsync(microphone: false);
        var page = await context.NewPageAsync();
        await Ui.LoginAsync(page, tenant.Email, next: "/call-logs/");
        var rows = page.Locator("tr[data-call-id]");
        await Expect(rows).ToHaveCountAsync(6);
        await page.GetByLabel("Status").SelectOptionAsync("failed");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filters" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(3);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
        await Ui.ShotAsync(page, "call-logs-export");

        Assert.Matches(@"^call-logs-\d{4}-\d{2}-\d{2}\.csv$", download.SuggestedFilename);
        var path = await download.PathAsync();
        var csv = Csv.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal([logs[0].Id, logs[2].Id, logs[4].Id], csv.Skip(1).Select(r => r[0]));
        var header = csv[0];
        var first = csv[1];
        Assert.Equal("failed", first[header.IndexOf("status")]);
        Assert.Equal("The caller, Ada, wants a table for two.", first[header.IndexOf("summary")]);
        Assert.Equal("false", first[header.IndexOf("success")]);
        Assert.Equal("2", first[header.IndexOf("analysis.party")]);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" })).ToBeEnabledAsync();
    }
}
